import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmnifyClient } from '../emnify-api/emnify-client.js';
import { normaliseTimestamp } from '../events/timestamp.js';
import { type IngestDeps, ingestRecords } from '../ingest/ingest.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LeaseStore } from '../store/lease-store.js';
import type { PollerStore } from '../store/poller-store.js';

export interface EventPollerOptions {
  client: EmnifyClient;
  /** The application token, only to derive a stable key for the cursor. */
  applicationToken: string;
  store: PollerStore;
  ingest: IngestDeps;
  metrics: Metrics;
  log: Logger;
  backfillMs: number;
  intervalMs: number;
  /** Each poll reads this far behind its cursor again, for events that arrive late. */
  lateMs?: number;
  perPage?: number;
  /** With several replicas: only the holder of this lease polls. */
  lease?: { store: LeaseStore; holder: string };
}

export interface PollSummary {
  pages: number;
  received: number;
  stored: number;
  from: string;
  until: string;
}

export interface PollerHealth {
  lastSuccessAt?: string;
  lastError?: string;
  consecutiveFailures: number;
}

/**
 * Reads events from the emnify API into the same ingest path as the webhook. Each scan
 * covers a fixed window [from, until) sorted oldest first, so inserts during the scan can
 * only repeat an event (stored once anyway), never skip one; the cursor is saved after every
 * page, so a restart resumes where it stopped.
 */
export class EventPoller {
  readonly key: string;
  readonly health: PollerHealth = { consecutiveFailures: 0 };
  private running = false;
  private wake?: AbortController;
  private loop?: Promise<void>;

  constructor(private readonly options: EventPollerOptions) {
    const digest = createHash('sha256').update(options.applicationToken).digest('hex');
    this.key = `emnify-api:${digest.slice(0, 16)}`;
  }

  /** One scan from the cursor (or the backfill start) up to now. */
  async pollOnce(now = new Date()): Promise<PollSummary> {
    const { store, metrics } = this.options;
    const log = this.options.log.child({ poller: this.key });
    const state = await store.get(this.key);
    const lateMs = this.options.lateMs ?? 10 * 60_000;

    const from = state
      ? new Date(Date.parse(state.cursor) - lateMs).toISOString()
      : new Date(now.getTime() - this.options.backfillMs).toISOString();
    const until = now.toISOString();
    const backfilled = state?.backfilled ?? false;

    try {
      const summary = await this.scanUntilStable(from, until, backfilled, log);
      await store.save(this.key, { cursor: until, backfilled: true });
      metrics.polls.inc({ outcome: 'ok' });
      this.health.lastSuccessAt = new Date().toISOString();
      this.health.lastError = undefined;
      this.health.consecutiveFailures = 0;
      log.info({ ...summary }, 'poll finished');
      return summary;
    } catch (error) {
      metrics.polls.inc({ outcome: 'error' });
      this.health.lastError = (error as Error).message;
      this.health.consecutiveFailures += 1;
      throw error;
    }
  }

  /**
   * Scans the window again when its event count changed during the scan: an event inserted
   * with an older timestamp lands on a page already read. Repeats are stored once.
   */
  private async scanUntilStable(from: string, until: string, backfilled: boolean, log: Logger) {
    let summary = await this.scan(from, until, backfilled, log);
    for (let rescans = 0; summary.countChanged && rescans < 3; rescans += 1) {
      log.info({ from, until }, 'window changed during the scan; reading it again');
      const again = await this.scan(from, until, backfilled, log);
      again.pages += summary.pages;
      again.stored += summary.stored;
      again.received += summary.received;
      summary = again;
    }
    const { countChanged: _, ...result } = summary;
    return result;
  }

  private async scan(from: string, until: string, backfilled: boolean, log: Logger) {
    const { client, store, metrics } = this.options;
    const perPage = this.options.perPage ?? 200;
    // The first backfill stores history without announcing it: a month of old deletions
    // posted at once would be a flood, and `recent` shows them anyway.
    const silent = async () => new Map();
    const ingest = backfilled ? this.options.ingest : { ...this.options.ingest, route: silent };
    const summary = { pages: 0, received: 0, stored: 0, from, until, countChanged: false };
    let firstCount: number | undefined;

    for (let page = 1; ; page += 1) {
      const result = await client.eventPage({ from, until, page, perPage });
      metrics.pollPages.inc();
      summary.pages += 1;
      firstCount ??= result.totalCount;
      if (result.totalCount !== firstCount) summary.countChanged = true;
      if (result.records.length === 0) break;

      const ingested = await ingestRecords(result.records, ingest, log, 'poll');
      summary.received += ingested.received;
      summary.stored += ingested.stored;
      metrics.polledEvents.inc(ingested.received);

      const newest = newestTimestamp(result.records);
      if (newest) await store.save(this.key, { cursor: newest, backfilled });
      if (page >= result.totalPages) break;
    }
    return summary;
  }

  /** Polls every interval until stopped; a failed poll is logged and tried again later. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.abort();
    await this.loop;
  }

  /** True when this replica may poll now: no lease configured, or it holds the lease. */
  async mayPoll(): Promise<boolean> {
    const lease = this.options.lease;
    if (!lease) return true;
    // Three intervals: a replica that died hands over within that time.
    const ttl = Math.max(3 * this.options.intervalMs, 5000);
    return lease.store.acquire(this.key, lease.holder, ttl);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (await this.mayPoll()) await this.pollOnce();
      } catch (error) {
        this.options.log.error({ err: error, poller: this.key }, 'poll failed');
      }
      this.wake = new AbortController();
      await sleep(this.options.intervalMs, undefined, { signal: this.wake.signal }).catch(
        () => undefined,
      );
    }
  }
}

function newestTimestamp(records: unknown[]): string | undefined {
  let newest: string | undefined;
  for (const record of records) {
    const text = (record as { timestamp?: unknown })?.timestamp;
    const iso = typeof text === 'string' ? normaliseTimestamp(text) : undefined;
    if (iso && (!newest || iso > newest)) newest = iso;
  }
  return newest;
}
