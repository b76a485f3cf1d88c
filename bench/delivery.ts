// Delivery figures for `npm run bench`: webhook-to-chat latency on an idle channel, and a
// burst of 10,000 deletions across 50 organisations and 5 channels against a fake Slack that
// refuses (429) whatever exceeds Slack's pace.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Bot } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/observability/logger.js';
import { SubscriptionStore } from '../src/store/subscription-store.js';
import { FakeSlackApi } from '../test/fakes/fake-slack-api.js';

const CHANNELS = 5;
const ORGS = 50;
const BURST = 10_000;
const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 30);

function deletion(id: number, org: number): Record<string, unknown> {
  return {
    id,
    timestamp: new Date().toISOString(),
    event_type: { id: 46, description: 'User deleted' },
    event_severity: { id: 1, description: 'Warn' },
    alert: false,
    organisation: { id: 500_000 + org, name: `Bench Org ${org}` },
    user: { id: 1, name: 'Bench Admin', username: 'admin@bench.example.org' },
    detail: { user: { id: id + 1, username: `u${id}@bench.example.org` } },
  };
}

async function startBot(slack: FakeSlackApi, defaultChannel?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-delivery-'));
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'd.sqlite')}`,
    PORT: '0',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench',
    ...(defaultChannel ? { SLACK_DEFAULT_CHANNEL: defaultChannel } : {}),
    SLACK_API_URL: slack.apiUrl,
  });
  const bot = await Bot.create({
    config,
    log: createLogger('silent'),
    out: new PassThrough(),
    workerPollMs: 100,
  });
  const server = await bot.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emnify/events`;
  return { bot, url };
}

/** Refuses with 429 what Slack would: more than 3 messages in one second on one channel. */
function enforceSlackPace(slack: FakeSlackApi): () => number {
  const sent = new Map<string, number[]>();
  let refused = 0;
  slack.behaviour = (call) => {
    if (call.method !== 'chat.postMessage' && call.method !== 'chat.update') return undefined;
    const channel = String(call.body.channel);
    const now = Date.now();
    const recent = (sent.get(channel) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= 3) {
      refused += 1;
      return {
        status: 429,
        headers: { 'Retry-After': '1' },
        body: { ok: false, error: 'ratelimited' },
      };
    }
    sent.set(channel, [...recent, now]);
    return undefined;
  };
  return () => refused;
}

export async function idleLatency(): Promise<{ p50: number; p99: number }> {
  const slack = new FakeSlackApi();
  await slack.start();
  enforceSlackPace(slack);
  const { bot, url } = await startBot(slack, 'C0DEFAULT');
  const latencies: number[] = [];

  for (let i = 0; i < SAMPLES; i += 1) {
    const before = slack.posted().length;
    const started = performance.now();
    await fetch(url, { method: 'POST', body: JSON.stringify(deletion(1_000 + i, i)) });
    while (slack.posted().length === before) await new Promise((r) => setTimeout(r, 1));
    latencies.push(performance.now() - started);
    // An idle channel: let its pace budget refill before the next sample.
    await new Promise((r) => setTimeout(r, 1100));
  }
  await bot.stop();
  await slack.stop();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function burst(): Promise<{
  posts: number;
  updates: number;
  seconds: number;
  refused: number;
}> {
  const slack = new FakeSlackApi();
  await slack.start();
  const refused = enforceSlackPace(slack);
  const { bot, url } = await startBot(slack);

  // Five channels, ten organisations each.
  const subscriptions = new SubscriptionStore(bot.db);
  for (let org = 0; org < ORGS; org += 1) {
    const target = `C0BENCH${org % CHANNELS}`;
    await subscriptions.add({
      destination: { adapter: 'slack', target },
      types: [46],
      orgId: String(500_000 + org),
    });
  }

  const records = Array.from({ length: BURST }, (_, i) => deletion(2_000_000 + i, i % ORGS));
  const started = performance.now();
  for (let i = 0; i < records.length; i += 2500) {
    await fetch(url, { method: 'POST', body: JSON.stringify(records.slice(i, i + 2500)) });
  }

  // Done when every delivery is settled and every digest shows its final count.
  for (;;) {
    const open = await bot.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    const dirty = await bot.db
      .selectFrom('digests')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('dirty', '=', 1)
      .executeTakeFirstOrThrow();
    if (Number(open.n) === 0 && Number(dirty.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const result = {
    posts: slack.posted().length,
    updates: slack.posted('chat.update').length,
    seconds: Math.round(seconds * 10) / 10,
    refused: refused(),
  };
  await bot.stop();
  await slack.stop();
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[index] ?? 0) * 10) / 10;
}
