// `npm run bench`: ingest throughput against its ceiling, parser costs, `recent` latency.
// Everything runs on loopback and temporary files; figures vary with the machine's load,
// so compare the ratios within one run rather than absolute numbers across runs.
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { parse as parseLossless } from 'lossless-json';
import { Bot } from '../src/app.js';
import { loadConfig } from '../src/config/load-config.js';
import { parseJsonExact } from '../src/events/parse-body.js';
import { createLogger } from '../src/observability/logger.js';
import { openDatabase } from '../src/store/database.js';
import { RecentStore } from '../src/store/recent-store.js';
import { burst, idleLatency } from './delivery.js';
import { postgresCeiling, postgresRecent, postgresThroughHttp } from './postgres.js';

const BODY_RECORDS = 3000;
const BODIES = Number(process.env.BENCH_BODIES ?? 22);
// The first bodies warm the JIT and are not counted, for the ceiling and the route alike.
const WARMUP = 2;
const RECENT_EVENTS = Number(process.env.BENCH_RECENT_EVENTS ?? 1_000_000);
const RECENT_ORGS = 1000;
const RECENT_QUERIES = 2000;

interface SampleRecord {
  id: number;
  timestamp: string;
  event_type: { id: number };
  organisation?: { id: number; name: string };
}

function sampleEvents(): Array<Record<string, unknown>> {
  const batch = JSON.parse(readFileSync('examples/streamer-batch.json', 'utf8')) as Array<
    Record<string, unknown>
  >;
  return batch.filter((record) => 'event_type' in record);
}

/** Bodies of 3000 events with fresh ids, as the Data Streamer would batch them. */
function makeBodies(): string[] {
  const samples = sampleEvents();
  let next = 1_000_000_000_000;
  return Array.from({ length: BODIES }, () => {
    const records = Array.from({ length: BODY_RECORDS }, (_, i) => ({
      ...samples[i % samples.length],
      id: next++,
    }));
    return JSON.stringify(records);
  });
}

function rate(events: number, ms: number): number {
  return Math.round((events / ms) * 1000);
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function ceiling(bodies: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ceiling-'));
  const db = new SQLite(join(dir, 'c.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table events (id text primary key, type_id integer, occurred_at text,
    severity text, alert integer, org_id text, org_name text, payload text, received_at text);
    create index e1 on events(org_id, type_id, occurred_at);
    create index e2 on events(type_id, occurred_at, org_id);`);
  const insert = db.prepare('insert or ignore into events values (?,?,?,?,?,?,?,?,?)');
  const now = new Date().toISOString();
  const many = db.transaction((records: SampleRecord[]) => {
    for (const r of records) {
      insert.run(
        String(r.id),
        r.event_type.id,
        r.timestamp,
        'info',
        0,
        String(r.organisation?.id),
        r.organisation?.name,
        JSON.stringify(r),
        now,
      );
    }
  });
  for (const body of bodies.slice(0, WARMUP)) many(JSON.parse(body) as SampleRecord[]);
  const ms = time(() => {
    for (const body of bodies.slice(WARMUP)) many(JSON.parse(body) as SampleRecord[]);
  });
  db.close();
  return rate((bodies.length - WARMUP) * BODY_RECORDS, ms);
}

async function throughHttp(bodies: string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'b.sqlite')}`, PORT: '0' });
  const out = new PassThrough();
  out.resume();
  // No adapters: this measures ingest, not the delivery of notifications.
  const bot = await Bot.create({ config, log: createLogger('silent'), out, adapters: [] });
  const server = await bot.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/emnify/events`;

  await postFromWorker(url, bodies.slice(0, WARMUP));
  const ms = await postFromWorker(url, bodies.slice(WARMUP));
  await bot.stop();
  return rate((bodies.length - WARMUP) * BODY_RECORDS, ms);
}

function postFromWorker(url: string, bodies: string[]): Promise<number> {
  const worker = new Worker(new URL('./post-bodies.mjs', import.meta.url), {
    workerData: { url, bodies },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function parsers(bodies: string[]): Record<string, number> {
  const events = bodies.length * BODY_RECORDS;
  const largeIds = bodies.map((body) => body.replace(/"id":1(\d{12})/g, '"id":4128509336621$1'));
  return {
    'JSON.parse': rate(
      events,
      time(() =>
        bodies.forEach((b) => {
          JSON.parse(b);
        }),
      ),
    ),
    'lossless-json': rate(
      events,
      time(() =>
        bodies.forEach((b) => {
          parseLossless(b);
        }),
      ),
    ),
    'parseJsonExact (ids < 2^53)': rate(
      events,
      time(() =>
        bodies.forEach((b) => {
          parseJsonExact(b);
        }),
      ),
    ),
    'parseJsonExact (ids > 2^53)': rate(
      events,
      time(() =>
        largeIds.forEach((b) => {
          parseJsonExact(b);
        }),
      ),
    ),
  };
}

async function recentLatency(): Promise<{
  p50: number;
  p99: number;
  allP50: number;
  allP99: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-recent-'));
  const file = join(dir, 'r.sqlite');
  const store = await openDatabase(`sqlite:${file}`);
  await store.close();

  const raw = new SQLite(file);
  raw.pragma('synchronous = OFF');
  const insert = raw.prepare(
    `insert into events (id, type_id, occurred_at, severity, alert, org_id, org_name, payload,
      received_at) values (?,?,?,?,?,?,?,?,?)`,
  );
  const types = [41, 46, 1, 2, 3, 5, 8, 9, 18, 30];
  const end = Date.parse('2026-12-03T12:00:00Z');
  const fill = raw.transaction(() => {
    for (let i = 0; i < RECENT_EVENTS; i += 1) {
      const org = String(i % RECENT_ORGS);
      const type = types[i % types.length] ?? 1;
      const at = new Date(end - ((i * 2_654_435_761) % (30 * 86_400_000))).toISOString();
      const payload = JSON.stringify({
        id: String(i),
        typeId: type,
        occurredAt: at,
        severity: 'info',
        alert: false,
        organisation: { id: org, name: `Org ${org}` },
        user: { name: `User ${i}`, username: `u${i}@example.com` },
        detail: type === 46 ? { user: { id: i, username: `d${i}@example.com` } } : undefined,
      });
      insert.run(String(i), type, at, 'info', 0, org, `Org ${org}`, payload, at);
    }
  });
  fill();
  raw.exec(
    `insert into organisations (id, name, name_folded, updated_at)
     select distinct org_id, org_name, lower(org_name), '2026-12-03' from events`,
  );
  raw.exec('analyze');
  raw.close();

  const db = await openDatabase(`sqlite:${file}`);
  const recent = new RecentStore(db.db);
  const since = new Date(end - 7 * 86_400_000).toISOString();
  const one: number[] = [];
  for (let q = 0; q < RECENT_QUERIES; q += 1) {
    const start = performance.now();
    await recent.recent({
      typeIds: [41, 46],
      organisationId: String(q % RECENT_ORGS),
      since,
      limit: 20,
    });
    one.push(performance.now() - start);
  }
  const all: number[] = [];
  for (let q = 0; q < 50; q += 1) {
    const start = performance.now();
    await recent.recent({ typeIds: [41, 46], since, limit: 20 });
    all.push(performance.now() - start);
  }
  await db.close();
  return { p50: pct(one, 50), p99: pct(one, 99), allP50: pct(all, 50), allP99: pct(all, 99) };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

async function main(): Promise<void> {
  const bodies = makeBodies();
  const events = BODIES * BODY_RECORDS;
  process.stdout.write(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n` +
      `ingest: ${BODIES - WARMUP} bodies of ${BODY_RECORDS} events ` +
      `after ${WARMUP} warm-up bodies; ` +
      `${events} events in all\n\n`,
  );

  const ceilingRate = await ceiling(bodies);
  const httpRate = await throughHttp(bodies);
  const parse = parsers(bodies);
  const recent = await recentLatency();
  const pgCeiling = await postgresCeiling(bodies, WARMUP, BODY_RECORDS);
  const pgRate = await postgresThroughHttp(bodies, WARMUP, BODY_RECORDS);
  const pgRecent = await postgresRecent(RECENT_EVENTS, RECENT_ORGS, 1000);
  const latency = await idleLatency();
  const flood = await burst();

  const table: Array<[string, string]> = [
    ['ceiling: JSON.parse + bare better-sqlite3 insert', `${ceilingRate} events/s`],
    ['POST /emnify/events into SQLite (3000-record bodies)', `${httpRate} events/s`],
    ['  share of the ceiling', `${Math.round((httpRate / ceilingRate) * 100)} %`],
    ...Object.entries(parse).map(([name, value]): [string, string] => [
      `parse: ${name}`,
      `${value} events/s`,
    ]),
    [
      `recent, one organisation, 7d (${RECENT_EVENTS} events, ${RECENT_ORGS} orgs) p50`,
      `${recent.p50} ms`,
    ],
    ['recent, one organisation, 7d p99', `${recent.p99} ms`],
    ['recent, all organisations, 7d p50', `${recent.allP50} ms`],
    ['recent, all organisations, 7d p99', `${recent.allP99} ms`],
    ['PostgreSQL ceiling: JSON.parse + bare pg batch insert', `${pgCeiling} events/s`],
    ['PostgreSQL: POST /emnify/events (3000-record bodies)', `${pgRate} events/s`],
    ['  share of the ceiling', `${Math.round((pgRate / pgCeiling) * 100)} %`],
    [
      `PostgreSQL: recent, one organisation, 7d (${RECENT_EVENTS} events) p50`,
      `${pgRecent.p50} ms`,
    ],
    ['PostgreSQL: recent, one organisation, 7d p99', `${pgRecent.p99} ms`],
    ['webhook to fake Slack, one event, idle channel p50', `${latency.p50} ms`],
    ['webhook to fake Slack, one event, idle channel p99', `${latency.p99} ms`],
    ['burst of 10,000 deletions, 50 orgs, 5 channels: messages posted', String(flood.posts)],
    ['  digest updates in place', String(flood.updates)],
    ['  seconds until the last digest shows its final count', String(flood.seconds)],
    ['  calls the fake Slack refused with 429', String(flood.refused)],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  process.stdout.write(`${'measure'.padEnd(width)} | result\n${'-'.repeat(width)}-|-------\n`);
  for (const [name, value] of table) process.stdout.write(`${name.padEnd(width)} | ${value}\n`);
}

await main();
