import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/fake-slack-api.js';
import { mrkdwnTexts } from '../helpers/block-kit.js';
import { deletionEvent, eventIdsIn } from '../helpers/events.js';
import { fixtureText } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import { eventually, tempDatabaseUrl } from '../helpers/test-bot.js';

// The sample's type 41 and 46 events: what the channel must show, each once.
const SAMPLE_USER_EVENTS = 15;
const processes: ChildProcess[] = [];

afterEach(() => {
  for (const child of processes) child.kill('SIGKILL');
});

/** A real `emnify-bot serve` process, as an operator would run it. */
async function serve(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: 'ignore',
  });
  processes.push(child);
  await eventually(async () => {
    const response = await fetch(`http://127.0.0.1:${env.PORT}/healthz`);
    expect(response.status).toBe(200);
  }, 20_000);
  return child;
}

describe('a bot process killed in the middle of delivering', () => {
  it('loses nothing, repeats at most the one message in flight, and digests the burst once', async () => {
    const slack = new FakeSlackApi();
    slack.delayMs = 15;
    let calls = 0;
    // A share of calls fails: every 7th with 500, every 11th with 429.
    slack.behaviour = (call) => {
      if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') return undefined;
      calls += 1;
      if (calls % 11 === 0)
        return { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false } };
      if (calls % 7 === 0) return { status: 500, body: 'oops' };
      return undefined;
    };
    await slack.start();

    const port = String(await freePort());
    const env = {
      PORT: port,
      DATABASE_URL: tempDatabaseUrl(),
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_DEFAULT_CHANNEL: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      SLACK_PACE_PER_SECOND: '20',
      DELIVERY_LEASE: '2s',
    };
    const first = await serve(env);

    const url = `http://127.0.0.1:${port}/emnify/events`;
    const burst = Array.from({ length: 300 }, (_, i) => deletionEvent(9_000_000 + i));
    expect(
      (await fetch(url, { method: 'POST', body: fixtureText('streamer-batch.json') })).status,
    ).toBe(200);
    expect((await fetch(url, { method: 'POST', body: `[${burst.join(',')}]` })).status).toBe(200);

    await eventually(() => expect(slack.posted().length).toBeGreaterThanOrEqual(4), 10_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const postedBeforeKill = slack.posted().length;

    await serve(env);
    await eventually(() => {
      const ids = slack.posted().flatMap(eventIdsIn);
      expect(new Set(ids).size).toBe(SAMPLE_USER_EVENTS);
      const digestTexts = [...slack.posted(), ...slack.posted('chat.update')]
        .map((m) => mrkdwnTexts(m).join('\n'))
        .filter((t) => t.includes('Fjordline Test AS'));
      expect(digestTexts.at(-1)).toContain('300 users deleted in Fjordline Test AS');
    }, 45_000);

    const ids = slack.posted().flatMap(eventIdsIn);
    const repeated = ids.length - new Set(ids).size;
    // At most the one delivery that was in flight when the process died is posted twice.
    expect(repeated).toBeLessThanOrEqual(1);
    const digests = slack
      .posted()
      .filter((m) => JSON.stringify(m).includes('users deleted in Fjordline'));
    expect(digests.length).toBeGreaterThanOrEqual(1);
    expect(digests.length).toBeLessThanOrEqual(3);
    expect(postedBeforeKill).toBeGreaterThanOrEqual(4);
    expect(postedBeforeKill).toBeLessThan(SAMPLE_USER_EVENTS);
    await slack.stop();
  }, 90_000);
});
