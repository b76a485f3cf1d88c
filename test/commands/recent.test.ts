import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run-command.js';
import { routeByType } from '../../src/delivery/destination.js';
import { parseRecords } from '../../src/events/parse-body.js';
import { ingestRecords } from '../../src/ingest/ingest.js';
import { createLogger } from '../../src/observability/logger.js';
import { Metrics } from '../../src/observability/metrics.js';
import { type OpenDatabase, openDatabase } from '../../src/store/database.js';
import { EventStore } from '../../src/store/event-store.js';
import { OrganisationStore } from '../../src/store/organisation-store.js';
import { RecentStore } from '../../src/store/recent-store.js';
import { fixtureText } from '../helpers/fixtures.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const WINDOW = '--since 2026-11-03T12:00:00Z';
let database: OpenDatabase;

function ask(text: string) {
  return runCommand(text, {
    organisations: new OrganisationStore(database.db),
    recent: new RecentStore(database.db),
    now: NOW,
  });
}

beforeAll(async () => {
  database = await openDatabase('sqlite::memory:');
  const deps = {
    store: new EventStore(database.db),
    metrics: new Metrics(),
    route: routeByType([], () => []),
  };
  await ingestRecords(
    parseRecords(fixtureText('streamer-batch.json')),
    deps,
    createLogger('silent'),
  );
});

afterAll(async () => {
  await database.close();
});

describe('recent on the sample batch (window 2026-11-03T12:00Z to now)', () => {
  it('counts per organisation as the fixtures README expects', async () => {
    const { report } = await ask(`recent ${WINDOW} --limit 100`);
    const counts = Object.fromEntries(
      (report?.organisations ?? []).map((g) => [g.name, [g.verified, g.deleted]]),
    );
    expect(counts).toEqual({
      'Nordwind Logistik GmbH': [3, 2],
      'Copperleaf Agritech Ltd': [2, 2],
      'Harborview Metering Inc.': [1, 1],
      'Bluefjord Marine AS': [2, 1],
    });
    expect(report?.total).toBe(14);
  });

  it('lists the two Copperleaf deletions, newest first, with who deleted them', async () => {
    const { report } = await ask(`recent deleted Copperleaf ${WINDOW}`);
    expect(report?.organisations).toHaveLength(1);
    expect(report?.organisations[0]?.entries).toEqual([
      expect.objectContaining({ user: 'temp.contractor@copperleaf.example.org', kind: 'deleted' }),
      expect.objectContaining({ user: 'owen.fletcher@copperleaf.example.org', kind: 'deleted' }),
    ]);
    expect(report?.organisations[0]?.entries[0]?.by).toMatch(/^Priya Raman/);
  });

  it('names an organisation by id or by full name in any case', async () => {
    const byId = await ask(`recent verified 90317 ${WINDOW}`);
    const byName = await ask(`recent verified "harborview metering inc." ${WINDOW}`);
    expect(byId.report?.organisations[0]?.entries.map((e) => e.user)).toEqual([
      'Marcus Bell (marcus.bell@harborview.example.com)',
    ]);
    expect(byName.report).toEqual(byId.report);
  });

  it('leaves out the Harborview deletion from before the window', async () => {
    const { report } = await ask(`recent deleted Harborview ${WINDOW}`);
    expect(report?.organisations[0]?.entries.map((e) => e.user)).toEqual([
      'sofia.lindqvist@harborview.example.com',
    ]);
  });

  it('lists the candidates when a part of a name fits several organisations', async () => {
    const reply = await ask(`recent ${WINDOW} a`);
    expect(reply.report).toBeUndefined();
    expect(reply.message.title).toBe('Which organisation?');
    expect(reply.message.sections[0]?.items.map((item) => item.text)).toEqual([
      'Bluefjord Marine AS (id 256778)',
      'Copperleaf Agritech Ltd (id 731094)',
      'Harborview Metering Inc. (id 90317)',
    ]);
  });

  it('says so when no organisation matches', async () => {
    const reply = await ask('recent Nonexistent Corp');
    expect(reply.message.summary).toBe('No organisation matches "Nonexistent Corp".');
  });

  it('says how many entries the limit left out and how to narrow the query', async () => {
    const reply = await ask(`recent ${WINDOW} --limit 3`);
    expect(reply.report).toMatchObject({ total: 14, shown: 3, omitted: 11 });
    expect(reply.message.notes[0]).toMatch(/Showing the newest 3 of 14; 11 left out/);
  });

  it('answers the default seven days with only the newest events', async () => {
    const { report } = await ask('recent');
    expect(
      report?.organisations.flatMap((g) => g.entries).every((e) => e.occurredAt >= '2026-11-26'),
    ).toBe(true);
    expect(report?.total).toBe(5);
  });

  it('stays private unless --public is asked for', async () => {
    expect((await ask('recent')).public).toBe(false);
    expect((await ask('recent --public')).public).toBe(true);
  });

  it('answers a bad option with the grammar', async () => {
    const reply = await ask('recent --sinse 7d');
    expect(reply.message.summary).toMatch(/--sinse/);
    expect(reply.message.fields[0]?.value).toMatch(/^recent \[deleted\|verified\]/);
  });
});
