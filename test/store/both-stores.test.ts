import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../../src/store/outbox-store.js';
import { deletionEvent } from '../helpers/events.js';
import { fixtureText } from '../helpers/fixtures.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually, startTestBot, type TestBot, tempDatabaseUrl } from '../helpers/test-bot.js';

// The store, ingest and delivery paths, run alike on the embedded SQLite store and on
// PostgreSQL. A PostgreSQL that cannot be reached fails these tests; it never skips them.
const stores = [
  { name: 'SQLite', url: async () => ({ url: tempDatabaseUrl(), drop: async () => {} }) },
  { name: 'PostgreSQL', url: createTestDatabase },
];

describe.each(stores)('on $name', (store) => {
  let bot: TestBot;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await store.url();
    drop = database.drop;
    bot = await startTestBot({ DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await bot.stop();
    await drop();
  });

  const post = (body: string) => fetch(`${bot.url}/emnify/events`, { method: 'POST', body });
  const notifications = () =>
    (bot.printed().match(/^\[(INFO|WARN)\] User (deleted|verified)/gm) ?? []).length;

  it('stores the sample once, even from three concurrent requests, and notifies each event once', async () => {
    const answers = await Promise.all(
      [1, 2, 3].map(() => post(fixtureText('streamer-batch.json'))),
    );
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ stored: number }>;
    expect(bodies.reduce((sum, b) => sum + b.stored, 0)).toBe(57);
    await eventually(() => expect(notifications()).toBe(15));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notifications()).toBe(15);
  });

  it('answers recent with the counts of the fixtures README', async () => {
    const reply = await bot.bot.commands('recent --since 2026-11-03T12:00:00Z --limit 100', {
      platform: 'cli',
    });
    const counts = Object.fromEntries(
      (reply.report?.organisations ?? []).map((g) => [g.name, [g.verified, g.deleted]]),
    );
    expect(counts).toMatchObject({
      'Nordwind Logistik GmbH': [3, 2],
      'Copperleaf Agritech Ltd': [2, 2],
      'Harborview Metering Inc.': [1, 1],
      'Bluefjord Marine AS': [2, 1],
    });
  });

  it('keeps ids beyond 2^53 exact', async () => {
    const answer = await (await post(fixtureText('streamer-batch-large-ids.json'))).json();
    expect(answer).toMatchObject({ stored: 3 });
    expect((await bot.bot.events.getEvent('41285093366214418'))?.id).toBe('41285093366214418');
  });

  it('digests a burst of 300 deletions into one message whose count says 300', async () => {
    const burst = Array.from({ length: 300 }, (_, i) => deletionEvent(8_000_000 + i));
    await post(`[${burst.join(',')}]`);
    await eventually(() =>
      expect(bot.printed()).toContain('300 users deleted in Fjordline Test AS'),
    );
    expect((bot.printed().match(/\[WARN\] \d+ users deleted/g) ?? []).length).toBe(1);
  });

  it('never hands one delivery to two claims at once', async () => {
    const burst = Array.from({ length: 40 }, (_, i) =>
      deletionEvent(8_100_000 + i, { id: 999_100 + i, name: `Claim Org ${i}` }),
    );
    await bot.bot.worker.stop();
    await post(`[${burst.join(',')}]`);
    const outbox = new OutboxStore(bot.bot.db, store.name === 'PostgreSQL' ? 'postgres' : 'sqlite');
    const destination = { adapter: 'console', target: 'stdout' };
    const claims = await Promise.all([1, 2, 3, 4].map(() => outbox.claim(destination, 20, 60_000)));
    const ids = claims.flat().map((d) => d.id);
    expect(ids.length).toBe(40);
    expect(new Set(ids).size).toBe(40);
  });
});
