import type { z } from 'zod';
import { type EmnifyEvent, emnifyEventSchema, toEmnifyEvent } from './emnify-event.js';

export type ClassifiedRecord =
  | { kind: 'event'; event: EmnifyEvent; raw: Record<string, unknown>; payload: string }
  | { kind: 'usage' }
  | { kind: 'invalid'; error: string };

/**
 * Usage records can share a stream with events. They carry traffic and volume, and no
 * `event_type`.
 */
export function isUsageRecord(record: Record<string, unknown>): boolean {
  return (
    !('event_type' in record) &&
    ('traffic_type' in record || ('start_timestamp' in record && 'volume' in record))
  );
}

/** Sorts one stream record into an event, a usage record, or a rejection with its reason. */
export function classifyRecord(record: unknown): ClassifiedRecord {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { kind: 'invalid', error: `record is ${describe(record)}, expected an object` };
  }

  const object = record as Record<string, unknown>;
  if (isUsageRecord(object)) return { kind: 'usage' };

  const parsed = emnifyEventSchema.safeParse(object);
  if (!parsed.success) return { kind: 'invalid', error: explain(parsed.error, object) };
  const event = toEmnifyEvent(parsed.data);
  // Serialised once here, for the store: a record too deeply nested to serialise (thousands
  // of levels) is rejected on its own instead of failing its whole batch later.
  let payload: string;
  try {
    payload = JSON.stringify(event);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { kind: 'invalid', error: 'record nests too deeply to store' };
  }
  return { kind: 'event', event, raw: object, payload };
}

/** Walks without recursion, so a hostile record cannot exhaust the stack. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function explain(error: z.ZodError, record: Record<string, unknown>): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.join('.') || 'record';
      return valueAt(record, issue.path) === undefined
        ? `${path}: required`
        : `${path}: ${issue.message}`;
    })
    .join('; ');
}

function valueAt(record: Record<string, unknown>, path: PropertyKey[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
