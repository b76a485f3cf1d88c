import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run-command.js';
import { routeByType } from '../../src/delivery/destination.js';
import { EmnifyClient } from '../../src/emnify-api/emnify-client.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { EventPoller } from '../../src/poller/event-poller.js';
import { type OpenDatabase, openDatabase } from '../../src/store/database.js';
import { EventStore } from '../../src/store/event-store.js';
import { OrganisationStore } from '../../src/store/organisation-store.js';
import { PollerStore } from '../../src/store/poller-store.js';
import { RecentStore } from '../../src/store/recent-store.js';
import { FakeEmnifyApi } from '../fakes/fake-emnify-api.js';
import { fixtureText } from '../helpers/fixtures.js';

const TOKEN = 'application-token-1';
const NOW = new Date('2026-12-03T12:00:00Z');
const DAY = 86_400_000;
const log = createLogger('silent');

let api: FakeEmnifyApi;
let database: OpenDatabase;

/** The sample's distinct events, each as its own JSON text. */
function sampleEventTexts(): string[] {
  const records = JSON.parse(fixtureText('streamer-batch.json')) as Array<Record<string, unknown>>;
  const seen = new Set<unknown>();
  return records
    .filter((record) => 'event_type' in record && !seen.has(record.id) && seen.add(record.id))
    .map((record) => JSON.stringify(record));
}

function event(id: string, timestamp: string, type = 41): string {
  return (
    `{"id":${id},"timestamp":"${timestamp}","event_type":{"id":${type},"description":"x"},` +
    `"event_severity":{"id":0,"description":"Info"},"alert":false,` +
    `"organisation":{"id":48213,"name":"Nordwind Logistik GmbH"},` +
    `"user":{"id":1,"name":"Test User","username":"t@nordwind.example.com"}}`
  );
}

function poller(options: { refreshMarginMs?: number; perPage?: number; notify?: number[] } = {}) {
  const client = new EmnifyClient({
    baseUrl: api.url,
    applicationToken: TOKEN,
    log,
    refreshMarginMs: options.refreshMarginMs ?? 0,
  });
  return new EventPoller({
    client,
    applicationToken: TOKEN,
    store: new PollerStore(database.db),
    ingest: {
      store: new EventStore(database.db),
      metrics: new Metrics(),
      route: routeByType(options.notify ?? [41, 46], () => [{ adapter: 'console', target: 'x' }]),
    },
    metrics: new Metrics(),
    log,
    backfillMs: 30 * DAY,
    intervalMs: 60_000,
    perPage: options.perPage ?? 3,
  });
}

async function storedIds(): Promise<string[]> {
  const rows = await database.db.selectFrom('events').select('id').orderBy('id').execute();
  return rows.map((row) => row.id);
}

async function outboxCount(): Promise<number> {
  const rows = await database.db.selectFrom('outbox').select('id').execute();
  return rows.length;
}

beforeEach(async () => {
  api = new FakeEmnifyApi({ applicationToken: TOKEN });
  await api.start();
  database = await openDatabase('sqlite::memory:');
});

afterEach(async () => {
  await database.close();
  await api.stop();
});

describe('EventPoller backfill', () => {
  it('reads the sample over pages of 3 and answers recent like a webhook replay', async () => {
    api.add(...sampleEventTexts());
    const summary = await poller().pollOnce(NOW);
    expect(summary.pages).toBeGreaterThan(15);

    const reply = await runCommand('recent deleted Copperleaf --since 2026-11-03T12:00:00Z', {
      organisations: new OrganisationStore(database.db),
      recent: new RecentStore(database.db),
      now: NOW,
    });
    expect(reply.report?.organisations[0]?.entries.map((e) => e.user)).toEqual([
      'temp.contractor@copperleaf.example.org',
      'owen.fletcher@copperleaf.example.org',
    ]);
  });

  it('stores history from the backfill without announcing it, then announces new events', async () => {
    api.add(...sampleEventTexts());
    const first = poller();
    await first.pollOnce(NOW);
    expect(await outboxCount()).toBe(0);

    api.add(event('900000000000001', '2026-12-03T12:05:00.000Z', 46));
    await first.pollOnce(new Date(NOW.getTime() + 10 * 60_000));
    expect(await outboxCount()).toBe(1);
  });

  it('keeps ids beyond 2^53 exact', async () => {
    const texts = (JSON.parse(fixtureText('streamer-batch-large-ids.json')) as unknown[]).length;
    expect(texts).toBe(3);
    api.add(
      event('41285093366214417', '2026-11-29T10:10:10.000Z'),
      event('41285093366214418', '2026-11-29T10:12:44.000Z'),
      event('9007199254740993', '2026-11-29T10:13:00.000Z'),
    );
    await poller().pollOnce(NOW);
    expect(await storedIds()).toEqual([
      '41285093366214417',
      '41285093366214418',
      '9007199254740993',
    ]);
  });
});

describe('EventPoller paging', () => {
  it('has no gap and no duplicate when many events share one timestamp across pages', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(700000000000 + i));
    api.add(...ids.map((id) => event(id, '2026-12-01T08:00:00.000Z')));
    const summary = await poller({ perPage: 3 }).pollOnce(NOW);
    expect(summary.pages).toBe(4);
    expect(await storedIds()).toEqual(ids);
  });

  it('stores every event once when a late event is inserted while a scan is in progress', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => String(710000000000 + i));
    api.add(...ids.map((id, i) => event(id, `2026-12-01T08:0${i}:00.000Z`)));
    api.afterPage = (page) => {
      if (page === 1) api.add(event('719999999999', '2026-12-01T07:59:00.000Z'));
    };
    await poller({ perPage: 3 }).pollOnce(NOW);
    expect(await storedIds()).toEqual([...ids, '719999999999'].sort());
  });

  it('resumes from its saved cursor after a restart, reading only the overlap again', async () => {
    api.add(event('720000000001', '2026-12-01T08:00:00.000Z'));
    await poller().pollOnce(NOW);

    api.add(event('720000000002', '2026-12-03T12:03:00.000Z'));
    const restarted = poller();
    const later = new Date(NOW.getTime() + 5 * 60_000);
    const summary = await restarted.pollOnce(later);
    expect(summary.from).toBe('2026-12-03T11:50:00.000Z');
    expect(await storedIds()).toEqual(['720000000001', '720000000002']);
  });
});

describe('EventPoller and the API limits', () => {
  it('refreshes the auth token before it expires, without a failed poll', async () => {
    // exp has whole seconds, so the token lives 3 to 4 seconds; the client renews it once
    // less than 2.9 seconds are left, which is the case 1.3 seconds later.
    api = await restartApi({ tokenTtlMs: 3000 });
    api.add(event('730000000001', '2026-12-01T08:00:00.000Z'));
    const p = poller({ refreshMarginMs: 2900 });
    await p.pollOnce(NOW);
    expect(api.authentications).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await p.pollOnce(NOW);
    expect(api.authentications).toBe(2);
    expect(api.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('authenticates again once when the API answers 401, and the poll succeeds', async () => {
    api.add(event('740000000001', '2026-12-01T08:00:00.000Z'));
    const p = poller({ refreshMarginMs: 0 });
    await p.pollOnce(NOW);
    api.revokeTokens();
    await p.pollOnce(NOW);
    expect(api.authentications).toBe(2);
    expect(api.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(p.health.consecutiveFailures).toBe(0);
  });

  it('waits out 429 answers as Retry-After says', async () => {
    api.add(event('750000000001', '2026-12-01T08:00:00.000Z'));
    api.rateLimit = { next: 2, retryAfter: '1' };
    const started = Date.now();
    await poller().pollOnce(NOW);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(api.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(await storedIds()).toEqual(['750000000001']);
  });

  it('reports a refused application token as a failed poll naming the setting', async () => {
    const client = new EmnifyClient({ baseUrl: api.url, applicationToken: 'wrong', log });
    await expect(
      client.eventPage({ from: NOW.toISOString(), until: NOW.toISOString(), page: 1, perPage: 3 }),
    ).rejects.toThrow(/EMNIFY_APPLICATION_TOKEN/);
  });
});

async function restartApi(options: { tokenTtlMs: number }): Promise<FakeEmnifyApi> {
  await api.stop();
  const fresh = new FakeEmnifyApi({ applicationToken: TOKEN, ...options });
  await fresh.start();
  return fresh;
}
