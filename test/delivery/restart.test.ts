import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseRecords } from '../../src/events/parse-body.js';
import { ingestRecords } from '../../src/ingest/ingest.js';
import { createLogger } from '../../src/observability/logger.js';
import { OutboxStore } from '../../src/store/outbox-store.js';
import { fixtureText } from '../helpers/fixtures.js';
import { eventually, tempDatabaseUrl } from '../helpers/test-bot.js';

const log = createLogger('silent');

function notifications(text: string): number {
  return (text.match(/^\[(INFO|WARN)\] User (deleted|verified)/gm) ?? []).length;
}

async function openBot(databaseUrl: string) {
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0' });
  const bot = await Bot.create({ config, log, out, workerPollMs: 50 });
  return { bot, printed: () => printed };
}

describe('outbox across a restart', () => {
  it('delivers what was stored but never posted before the process stopped', async () => {
    const url = tempDatabaseUrl();
    const first = await openBot(url);
    const result = await ingestRecords(
      parseRecords(fixtureText('streamer-batch.json')),
      first.bot.ingestDeps,
      log,
    );
    expect(result.stored).toBe(57);
    // Stopped before its worker ran: the notifications exist only as outbox rows.
    await first.bot.stop();
    expect(notifications(first.printed())).toBe(0);

    const second = await openBot(url);
    await second.bot.start();
    await eventually(() => expect(notifications(second.printed())).toBe(15));
    await second.bot.stop();
  });

  it('takes back deliveries a dead worker had claimed once their lease runs out', async () => {
    const url = tempDatabaseUrl();
    const first = await openBot(url);
    await ingestRecords(
      parseRecords(fixtureText('streamer-batch.json')),
      first.bot.ingestDeps,
      log,
    );
    const outbox = new OutboxStore(first.bot.db, 'sqlite');
    const claimed = await outbox.claim({ adapter: 'console', target: 'stdout' }, 100, 200);
    expect(claimed).toHaveLength(15);
    await first.bot.stop();

    const second = await openBot(url);
    await second.bot.start();
    await eventually(() => expect(notifications(second.printed())).toBe(15));
    expect(await new OutboxStore(second.bot.db, 'sqlite').countByStatus()).toEqual({ done: 15 });
    await second.bot.stop();
  });
});
