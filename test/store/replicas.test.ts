import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEmnifyApi } from '../fakes/fake-emnify-api.js';
import { FakeSlackApi } from '../fakes/fake-slack-api.js';
import { mrkdwnTexts } from '../helpers/block-kit.js';
import { deletionEvent, eventIdsIn } from '../helpers/events.js';
import { fixtureText } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually } from '../helpers/test-bot.js';

// Three real `serve` processes on one PostgreSQL database, as behind a load balancer.
const REPLICAS = 3;
const TOKEN = 'replica-application-token';
let database: { url: string; drop: () => Promise<void> };
let slack: FakeSlackApi;
let emnify: FakeEmnifyApi;
let sql: pg.Client;
const replicas: Array<{ port: number; child: ChildProcess }> = [];

async function startReplica(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_DEFAULT_CHANNEL: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      SLACK_PACE_PER_SECOND: '50',
      DELIVERY_LEASE: '2s',
      EMNIFY_APPLICATION_TOKEN: TOKEN,
      EMNIFY_API_URL: emnify.url,
      EMNIFY_POLL_INTERVAL: '1s',
      EMNIFY_BACKFILL: '1d',
    },
    stdio: 'ignore',
  });
  const replica = { port, child };
  replicas.push(replica);
  await eventually(async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 30_000);
  return replica;
}

function postTo(replica: { port: number }, body: string) {
  return fetch(`http://127.0.0.1:${replica.port}/emnify/events`, { method: 'POST', body });
}

async function count(query: string): Promise<number> {
  const result = await sql.query(query);
  return Number(result.rows[0]?.n);
}

beforeAll(async () => {
  database = await createTestDatabase();
  sql = new pg.Client({ connectionString: database.url });
  slack = new FakeSlackApi();
  slack.delayMs = 10;
  emnify = new FakeEmnifyApi({ applicationToken: TOKEN });
  await Promise.all([slack.start(), emnify.start()]);
  for (let i = 0; i < REPLICAS; i += 1) await startReplica();
  await sql.connect();
}, 120_000);

afterAll(async () => {
  for (const { child } of replicas) child.kill('SIGKILL');
  await sql.end();
  await Promise.all([slack.stop(), emnify.stop()]);
  await database.drop();
});

describe('several replicas on one PostgreSQL database', () => {
  it('stores and delivers every event once and digests a burst once, though a replica dies', async () => {
    const burst = Array.from({ length: 1000 }, (_, i) => deletionEvent(6_000_000 + i));
    const [one, two, three] = replicas;
    if (!one || !two || !three) throw new Error('replicas did not start');

    const answers = await Promise.all([
      postTo(one, fixtureText('streamer-batch.json')),
      postTo(two, fixtureText('streamer-batch.json')),
      postTo(one, `[${burst.slice(0, 400).join(',')}]`),
      postTo(two, `[${burst.slice(400, 700).join(',')}]`),
      postTo(three, `[${burst.slice(700).join(',')}]`),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);

    // Replica one dies in the middle of delivering.
    await eventually(() => expect(slack.posted().length).toBeGreaterThanOrEqual(3), 10_000);
    one.child.kill('SIGKILL');

    await eventually(async () => {
      expect(await count("select count(*) as n from outbox where status <> 'done'")).toBe(0);
      expect(await count('select count(*) as n from digests where dirty = 1')).toBe(0);
    }, 60_000);

    expect(await count('select count(*) as n from events')).toBe(57 + 1000);
    const ids = slack.posted().flatMap(eventIdsIn);
    expect(new Set(ids).size).toBe(15);

    // One digest for the burst. The killed replica had at most one message in flight (a
    // single event or the digest's first post), which may have gone out twice.
    const digestPosts = slack
      .posted()
      .filter((m) => JSON.stringify(m).includes('Fjordline Test AS'));
    const digestIds = digestPosts.map((m) => /Digest (\d+)/.exec(JSON.stringify(m))?.[1]);
    expect(new Set(digestIds).size).toBe(1);
    const repeats = ids.length - new Set(ids).size + digestPosts.length - 1;
    expect(repeats).toBeLessThanOrEqual(1);
    const last = [...slack.posted(), ...slack.posted('chat.update')]
      .map((m) => mrkdwnTexts(m).join('\n'))
      .filter((t) => t.includes('Fjordline Test AS'))
      .at(-1);
    expect(last).toContain('1000 users deleted in Fjordline Test AS');
  }, 120_000);

  it('polls from one replica at a time and hands the lease over when that replica dies', async () => {
    const holderPid = async () => {
      const result = await sql.query('select holder from leases');
      return String(result.rows[0]?.holder ?? '').split(':')[1];
    };
    await eventually(async () => expect(await holderPid()).toBeTruthy(), 15_000);
    const alive = (r: (typeof replicas)[number]) =>
      r.child.exitCode === null && r.child.signalCode === null;
    await eventually(async () => {
      const pid = await holderPid();
      expect(replicas.some((r) => String(r.child.pid) === pid && alive(r))).toBe(true);
    }, 15_000);
    const current = await holderPid();
    const holder = replicas.find((r) => String(r.child.pid) === current && alive(r));
    expect(holder).toBeDefined();
    holder?.child.kill('SIGKILL');

    await eventually(async () => {
      const next = await holderPid();
      expect(next).not.toBe(current);
      expect(replicas.some((r) => String(r.child.pid) === next)).toBe(true);
    }, 20_000);
  }, 60_000);
});
