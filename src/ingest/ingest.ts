import type { RouteEvents } from '../delivery/destination.js';
import { classifyRecord, nestedDeeperThan } from '../events/classify-record.js';
import type { EmnifyEvent } from '../events/emnify-event.js';
import { isKnownEventType } from '../events/event-catalogue.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { EventStore, Quarantined } from '../store/event-store.js';

/** The webhook's answer, as DESIGN.md fixes it. */
export interface IngestResult {
  received: number;
  stored: number;
  duplicates: number;
  ignored: number;
  rejected: Array<{ index: number; error: string }>;
}

export interface IngestDeps {
  store: EventStore;
  metrics: Metrics;
  route: RouteEvents;
  /** Called after a batch is committed that created deliveries. */
  onDeliveries?: () => void;
}

// A quarantined record is kept whole unless it is absurdly large.
const MAX_QUARANTINED_CHARS = 64 * 1024;

/**
 * Validates records, sets usage records aside, quarantines the invalid ones and stores the
 * rest with their outbox rows. Resolves only when everything accepted is committed.
 */
export async function ingestRecords(
  records: unknown[],
  deps: IngestDeps,
  log: Logger,
  source = 'webhook',
): Promise<IngestResult> {
  const events: EmnifyEvent[] = [];
  const payloads = new Map<string, string>();
  const quarantined: Quarantined[] = [];
  const rejected: IngestResult['rejected'] = [];
  const seen = new Set<string>();
  let ignored = 0;
  let duplicatesInBody = 0;

  records.forEach((record, index) => {
    const result = classifyRecord(record);
    if (result.kind === 'usage') {
      ignored += 1;
    } else if (result.kind === 'invalid') {
      rejected.push({ index, error: result.error });
      quarantined.push({ reason: result.error, record: quarantineText(record) });
    } else if (seen.has(result.event.id)) {
      duplicatesInBody += 1;
    } else {
      seen.add(result.event.id);
      events.push(result.event);
      payloads.set(result.event.id, result.payload);
    }
  });

  // Routing reads subscriptions before the write; only events that turn out new get rows.
  const routes = await deps.route(events);
  const { storedIds, deliveries } = await deps.store.storeBatch(
    events,
    quarantined,
    routes,
    payloads,
  );
  const duplicates = duplicatesInBody + events.length - storedIds.length;
  record(deps.metrics, source, records.length, events, storedIds, duplicates, ignored, rejected);

  if (rejected.length > 0) {
    log.warn({ rejected: rejected.length, first: rejected[0] }, 'records quarantined');
  }
  if (deliveries > 0) deps.onDeliveries?.();

  return { received: records.length, stored: storedIds.length, duplicates, ignored, rejected };
}

function record(
  metrics: Metrics,
  source: string,
  received: number,
  events: EmnifyEvent[],
  storedIds: string[],
  duplicates: number,
  ignored: number,
  rejected: unknown[],
): void {
  metrics.recordsReceived.inc({ source }, received);
  metrics.duplicates.inc(duplicates);
  metrics.ignored.inc(ignored);
  metrics.rejected.inc(rejected.length);

  // One counter update per type, not per event: label lookups are not free at 3000 a body.
  const stored = new Set(storedIds);
  const perType = new Map<number, number>();
  for (const event of events) {
    if (stored.has(event.id)) perType.set(event.typeId, (perType.get(event.typeId) ?? 0) + 1);
  }
  for (const [type, count] of perType) {
    // Unknown ids share one label, so hostile or future types cannot grow /metrics forever.
    const label = isKnownEventType(type) ? String(type) : 'other';
    metrics.eventsStored.inc({ type: label }, count);
  }
}

function quarantineText(record: unknown): string {
  if (nestedDeeperThan(record, 64)) return '(record nested too deeply to keep)';
  const text = JSON.stringify(record) ?? String(record);
  return text.length > MAX_QUARANTINED_CHARS ? `${text.slice(0, MAX_QUARANTINED_CHARS)}…` : text;
}
