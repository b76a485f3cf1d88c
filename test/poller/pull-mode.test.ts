import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseTimestamp } from '../../src/events/timestamp.js';
import { PollerStore } from '../../src/store/poller-store.js';
import { FakeEmnifyApi } from '../fakes/fake-emnify-api.js';
import { fixtureText } from '../helpers/fixtures.js';
import { eventually, startTestBot, type TestBot } from '../helpers/test-bot.js';

const TOKEN = 'application-token-2';
let api: FakeEmnifyApi;
let bot: TestBot;

function notifications(text: string): number {
  return (text.match(/^\[(INFO|WARN)\] User (deleted|verified)/gm) ?? []).length;
}

/**
 * The sample's distinct events with their times moved so that the fixtures' reference
 * instant (2026-12-03T12:00Z) is now: the 30-day window then holds what the README says.
 */
function sampleEventTexts(): string[] {
  const shift = Date.now() - Date.parse('2026-12-03T12:00:00Z');
  const records = JSON.parse(fixtureText('streamer-batch.json')) as Array<Record<string, unknown>>;
  const seen = new Set<unknown>();
  return records
    .filter((r) => 'event_type' in r && !seen.has(r.id) && seen.add(r.id))
    .map((r) => {
      const time = Date.parse(normaliseTimestamp(String(r.timestamp)) ?? '') + shift;
      return JSON.stringify({ ...r, timestamp: new Date(time).toISOString() });
    });
}

function postWebhook(body: string) {
  return fetch(`${bot.url}/emnify/events`, { method: 'POST', body });
}

beforeEach(async () => {
  api = new FakeEmnifyApi({ applicationToken: TOKEN });
  await api.start();
});

afterEach(async () => {
  await bot.stop();
  await api.stop();
});

describe('pull mode in serve', () => {
  it('backfills on start over pages of 3, and the same body posted to the webhook afterwards stores nothing new', async () => {
    await api.stop();
    api = new FakeEmnifyApi({ applicationToken: TOKEN, maxPerPage: 3 });
    await api.start();
    api.add(...sampleEventTexts());
    bot = await startTestBot({
      EMNIFY_APPLICATION_TOKEN: TOKEN,
      EMNIFY_API_URL: api.url,
      EMNIFY_BACKFILL: '30d',
      EMNIFY_POLL_INTERVAL: '1h',
    });
    const poller = bot.bot.pollers[0];
    await eventually(() => expect(poller?.health.lastSuccessAt).toBeDefined(), 10_000);

    expect(poller?.health.consecutiveFailures).toBe(0);
    expect(api.requests.filter((r) => r.path.startsWith('/api/v1/event')).length).toBeGreaterThan(
      18,
    );

    // Every event inside the 30-day backfill was stored by the poll; only the one deletion
    // from before the window (old.account, 2026-11-02) is new to the store.
    const answer = await (await postWebhook(fixtureText('streamer-batch.json'))).json();
    expect(answer).toMatchObject({ received: 60, stored: 1, duplicates: 57, ignored: 2 });
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
  });

  it('notifies an event once when both the poll and the webhook bring it', async () => {
    bot = await startTestBot({
      EMNIFY_APPLICATION_TOKEN: TOKEN,
      EMNIFY_API_URL: api.url,
      EMNIFY_POLL_INTERVAL: '1h',
    });
    const poller = bot.bot.pollers[0];
    await eventually(() => expect(poller?.health.lastSuccessAt).toBeDefined());

    // After the first (silent) backfill, polled events are announced.
    const deleted = fixtureText('events/46-user-deleted.json').replace(
      '"2026-11-19T09:30:00.000Z"',
      `"${new Date(Date.now() - 60_000).toISOString()}"`,
    );
    api.add(deleted);
    await poller?.pollOnce();
    await eventually(() => expect(notifications(bot.printed())).toBe(1));

    const answer = await (await postWebhook(deleted)).json();
    expect(answer).toMatchObject({ stored: 0, duplicates: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notifications(bot.printed())).toBe(1);
    expect(await new PollerStore(bot.bot.db).get(poller?.key ?? '')).toMatchObject({
      backfilled: true,
    });
  });
});
