import type { Field } from './message.js';

const MAX_FIELDS = 8;
const MAX_DEPTH = 3;

/**
 * Turns an event's `detail` object into a handful of readable facts ("Quota volume: 0.79"),
 * never raw JSON. Nested objects become labelled paths, lists of scalars are joined, lists
 * of objects are counted.
 */
export function describeDetail(detail: unknown): Field[] {
  const fields: Field[] = [];
  if (detail === null || typeof detail !== 'object') {
    if (typeof detail === 'string' && detail.trim())
      fields.push({ label: 'Detail', value: detail });
    return fields;
  }
  walk(detail as Record<string, unknown>, [], fields, 0);
  return fields.slice(0, MAX_FIELDS);
}

function walk(object: Record<string, unknown>, path: string[], out: Field[], depth: number): void {
  for (const [key, value] of Object.entries(object)) {
    if (out.length >= MAX_FIELDS) return;
    const here = [...path, key];

    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      out.push({ label: labelOf(here), value: describeList(value) });
    } else if (typeof value === 'object') {
      if (depth < MAX_DEPTH) walk(value as Record<string, unknown>, here, out, depth + 1);
    } else if (key !== 'id' || path.length === 0) {
      out.push({ label: labelOf(here), value: String(value) });
    }
  }
}

function describeList(list: unknown[]): string {
  const scalars = list.filter((item) => item === null || typeof item !== 'object');
  if (scalars.length === list.length) return list.map(String).join(', ');

  const named = list
    .map((item) => (item as Record<string, unknown>) ?? {})
    .map((item) => Object.values(item).find((v) => typeof v === 'string'))
    .filter((name): name is string => typeof name === 'string');
  return named.length === list.length ? named.join(', ') : `${list.length} entries`;
}

function labelOf(path: string[]): string {
  const words = path.join(' ').replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
