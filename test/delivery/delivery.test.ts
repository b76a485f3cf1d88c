import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/fake-slack-api.js';
import { mrkdwnTexts } from '../helpers/block-kit.js';
import { deletionEvent, eventIdsIn } from '../helpers/events.js';
import { fixtureText } from '../helpers/fixtures.js';
import { postSignedToSlack, slashCommandBody } from '../helpers/slack-signing.js';
import { eventually, startTestBot, type TestBot } from '../helpers/test-bot.js';

const SECRET = 'delivery-secret';
const ALERTS = 'C0ALERTS';
const OTHER = 'C0OTHER';
let slack: FakeSlackApi;
let bot: TestBot;

async function start(env: Record<string, string> = {}) {
  slack = new FakeSlackApi();
  await slack.start();
  bot = await startTestBot({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_DEFAULT_CHANNEL: ALERTS,
    SLACK_API_URL: slack.apiUrl,
    SLACK_PACE_PER_SECOND: '200',
    SLACK_ADMIN_USERS: 'U0ADMIN',
    ...env,
  });
}

afterEach(async () => {
  await bot?.stop();
  await slack?.stop();
});

async function command(text: string, channel: string, user = 'U0ADMIN') {
  const params = new URLSearchParams(
    slashCommandBody(text, `${slack.url}/respond/${channel}`, channel),
  );
  params.set('user_id', user);
  const before = slack.responses.length;
  await postSignedToSlack(bot.url, SECRET, params.toString());
  await eventually(() => expect(slack.responses.length).toBe(before + 1));
  const reply = slack.responses[before]?.body ?? {};
  return [String(reply.text), ...mrkdwnTexts(reply)].join('\n');
}

function post(body: string) {
  return fetch(`${bot.url}/emnify/events`, { method: 'POST', body });
}

function postedTo(channel: string) {
  return slack.posted().filter((message) => message.channel === channel);
}

describe('routing and subscriptions', () => {
  it('lets only admins change subscriptions, and names the setting that makes an admin', async () => {
    await start();
    const refused = await command('subscribe deleted', OTHER, 'U0SOMEONE');
    expect(refused).toContain('Only admins');
    expect(refused).toContain('SLACK_ADMIN_USERS');
    expect(refused).toContain('U0SOMEONE');
  });

  it('sends a subscribed channel exactly what it chose, and the default channel the rest', async () => {
    await start();
    // By id: the bot has seen no event of Copperleaf yet.
    expect(await command('subscribe deleted 731094', OTHER)).toContain('Subscribed');
    expect(await command('subscriptions', OTHER)).toContain('user deleted in 731094');

    await post(fixtureText('streamer-batch.json'));
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(15));
    await eventually(() => expect(postedTo(OTHER)).toHaveLength(2));
    expect(postedTo(OTHER).flatMap(eventIdsIn).sort()).toEqual([
      '3049407847507',
      '831652312483047',
    ]);

    // `recent` in that channel sees only its organisation.
    const recent = await command('recent --since 3650d', OTHER);
    expect(recent).toContain('Copperleaf');
    expect(recent).not.toContain('Nordwind');
    expect(recent).toContain("in this channel's organisations");
    expect(recent).not.toContain('all organisations');
  });

  it('gives a default channel that unsubscribes from everything the defaults again', async () => {
    await start();
    await command('subscribe 18,19', ALERTS);
    await post(fixtureText('events/46-user-deleted.json'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(postedTo(ALERTS)).toHaveLength(0);

    expect(await command('unsubscribe', ALERTS)).toContain('default notifications again');
    await post(fixtureText('events/41-user-verified.json'));
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(1));
  });
});

describe('rate limits and failures', () => {
  it('holds back only the channel that answered 429, for as long as Retry-After says', async () => {
    await start();
    await command('subscribe deleted', OTHER);
    let limited = true;
    slack.behaviour = (call) =>
      call.method === 'chat.postMessage' && call.body.channel === ALERTS && limited
        ? {
            status: 429,
            headers: { 'Retry-After': '2' },
            body: { ok: false, error: 'ratelimited' },
          }
        : undefined;

    const started = Date.now();
    await post(fixtureText('events/46-user-deleted.json'));
    await eventually(() => expect(postedTo(OTHER)).toHaveLength(1));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(postedTo(ALERTS)).toHaveLength(0);

    limited = false;
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(1), 6000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(slack.refused.filter((c) => c.body.channel === ALERTS)).toHaveLength(1);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/emnify_delivery_rate_limited_total\{adapter="slack"\} 1/);
  });

  it('delivers every event once after an outage, once Slack answers again', async () => {
    await start();
    let down = true;
    slack.behaviour = (call) =>
      down && call.method === 'chat.postMessage' ? { status: 500, body: 'down' } : undefined;
    await post(fixtureText('streamer-batch.json'));
    await eventually(() => expect(slack.refused.length).toBeGreaterThan(15));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    down = false;
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(15), 15_000);
    const ids = postedTo(ALERTS).flatMap(eventIdsIn);
    expect(new Set(ids).size).toBe(15);
  });

  it('marks a channel broken on a permanent refusal, stops retrying, and keeps the rest flowing', async () => {
    await start();
    await command('subscribe all', OTHER);
    slack.behaviour = (call) =>
      call.method === 'chat.postMessage' && call.body.channel === OTHER
        ? { status: 200, body: { ok: false, error: 'is_archived' } }
        : undefined;
    await post(fixtureText('streamer-batch.json'));
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(15));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(slack.refused.filter((c) => c.body.channel === OTHER)).toHaveLength(1);

    expect(await command('subscriptions', OTHER)).toContain('is_archived');
    const status = await command('status', ALERTS);
    expect(status).toContain('Broken destinations');
    expect(status).toContain(`slack ${OTHER}: Slack refused: is_archived`);
  });

  it("paces one channel within Slack's limit, so Slack never has to refuse", async () => {
    await start({ SLACK_PACE_PER_SECOND: '1' });
    const sent: number[] = [];
    slack.behaviour = (call) => {
      if (call.method !== 'chat.postMessage') return undefined;
      const now = Date.now();
      // Slack's rule of thumb: about one a second, short bursts tolerated.
      const recent = sent.filter((t) => now - t < 1000).length;
      if (recent >= 3) return { status: 429, headers: { 'Retry-After': '1' }, body: { ok: false } };
      sent.push(now);
      return undefined;
    };
    const records = [41, 46, 41, 46, 41, 46].map((_, i) =>
      fixtureText('events/41-user-verified.json')
        .replace('2367979702483810', String(500 + i))
        .replace('"id": 731094', `"id": ${800 + i}`),
    );
    await post(`[${records.join(',')}]`);
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(6), 10_000);
    expect(slack.refused).toHaveLength(0);
  });
});

describe('digests', () => {
  it('turns 500 deletions in one organisation into a handful of digests updated in place', async () => {
    await start();
    const burst = Array.from({ length: 500 }, (_, i) => deletionEvent(7_000_000 + i));
    // The burst goes on for a while: five bodies a little apart.
    for (let i = 0; i < 500; i += 100) {
      await post(`[${burst.slice(i, i + 100).join(',')}]`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }

    await eventually(() => {
      const updates = slack.posted('chat.update');
      const last = updates.at(-1) ?? postedTo(ALERTS).at(-1) ?? {};
      expect(mrkdwnTexts(last).join('\n')).toContain('500 users deleted in Fjordline Test AS');
    }, 15_000);
    expect(postedTo(ALERTS).length).toBeLessThanOrEqual(5);
    expect(slack.posted('chat.update').length).toBeGreaterThan(0);

    const recent = await bot.bot.commands('recent deleted Fjordline --limit 1', {
      platform: 'cli',
    });
    expect(recent.report?.total).toBe(500);
  });
});

describe('on-call', () => {
  it('mentions the on-call on warnings only, and the first Acknowledge updates the message', async () => {
    await start();
    expect(await command('oncall <@U0ONCALL|jana>', ALERTS)).toContain('On-call set');
    await post(fixtureText('streamer-batch.json'));
    await eventually(() => expect(postedTo(ALERTS)).toHaveLength(15));

    const texts = postedTo(ALERTS).map((m) => mrkdwnTexts(m).join('\n'));
    const deletions = texts.filter((t) => t.includes('*Warning*'));
    const verifications = texts.filter((t) => t.includes('*Info*'));
    expect(deletions).toHaveLength(7);
    expect(deletions.every((t) => t.startsWith('<@U0ONCALL> '))).toBe(true);
    expect(verifications.some((t) => t.includes('<@U0ONCALL>'))).toBe(false);

    const warned = postedTo(ALERTS).find((m) => JSON.stringify(m).includes('"action_id":"ack"'));
    const button = JSON.stringify(warned).match(/"action_id":"ack","value":"([^"]+)"/)?.[1];
    expect(button).toBeDefined();
    await click(button ?? '', 'jana');
    await eventually(() => expect(slack.posted('chat.update')).toHaveLength(1));
    const updated = mrkdwnTexts(slack.posted('chat.update')[0] ?? {}).join('\n');
    expect(updated).toContain('Acknowledged by jana');
    expect(updated).not.toContain('<@U0ONCALL>');

    await click(button ?? '', 'erik');
    await eventually(() =>
      expect(slack.responses.at(-1)?.body.text).toMatch(/Already acknowledged by jana/),
    );
  });
});

async function click(value: string, user: string) {
  const payload = {
    type: 'block_actions',
    user: { id: `U0${user.toUpperCase()}`, name: user },
    team: { id: 'T0001' },
    api_app_id: 'A0001',
    channel: { id: ALERTS },
    container: { type: 'message', message_ts: '1700000001.000100', channel_id: ALERTS },
    message: { ts: '1700000001.000100', type: 'message' },
    response_url: `${slack.url}/respond/click`,
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: 'ack', block_id: 'b', value, action_ts: '1' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await postSignedToSlack(bot.url, SECRET, body);
  expect(response.status).toBe(200);
}
