import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/events/classify-record.js';
import { EVENT_TYPES, eventTypeInfo } from '../../src/events/event-catalogue.js';
import { parseJsonExact } from '../../src/events/parse-body.js';
import { fixtureEvents, fixtureText } from '../helpers/fixtures.js';

function classify(text: string) {
  return classifyRecord(parseJsonExact(text));
}

describe('classifyRecord over every fixture event', () => {
  it.each(fixtureEvents())('accepts $file as an event with a UTC time', ({ text }) => {
    const result = classify(text);
    if (result.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(result)}`);

    const raw = JSON.parse(text) as { id: number; event_type: { id: number } };
    expect(result.event.id).toBe(String(raw.id));
    expect(result.event.typeId).toBe(raw.event_type.id);
    expect(result.event.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});

describe('classifyRecord on documented variants', () => {
  it('reads the legacy type 12 shape: numeric alert, WARN, source name, explicit nulls', () => {
    const result = classify(fixtureText('events/12-organisation-blocked.json'));
    expect(result).toMatchObject({
      kind: 'event',
      event: { alert: true, severity: 'warn', source: 'Policy Control', user: undefined },
    });
    if (result.kind === 'event') expect(result.event.occurredAt).toBe('2026-11-15T00:04:11.000Z');
  });

  it('reads type 46 with the actor in user and the deleted account in detail', () => {
    const result = classify(fixtureText('events/46-user-deleted.json'));
    if (result.kind !== 'event') throw new Error('expected an event');
    expect(result.event.severity).toBe('warn');
    expect(result.event.user?.name).toBe('Priya Raman');
    expect(result.event.detail).toMatchObject({
      user: { username: 'owen.fletcher@copperleaf.example.org' },
    });
  });

  it('accepts an unknown future type and names it from its own description', () => {
    const result = classify(fixtureText('events/999-unknown-future-type.json'));
    if (result.kind !== 'event') throw new Error('expected an event');
    expect(result.event.typeId).toBe(999);
    expect(eventTypeInfo(999, result.event.typeDescription).label).toBe('Some future event type');
  });

  it('recognises the usage records of the sample batch and sets them aside', () => {
    const batch = parseJsonExact(fixtureText('streamer-batch.json')) as unknown[];
    const kinds = batch.map((record) => classifyRecord(record).kind);
    expect(kinds.filter((kind) => kind === 'usage')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'invalid')).toHaveLength(0);
  });

  it.each([
    [{}, /id: required/],
    [{ id: 1, timestamp: '2026-11-15 00:04:11' }, /event_type: required/],
    [{ id: 'x1', timestamp: '2026-11-15Z', event_type: { id: 1 } }, /id: expected a decimal id/],
    [{ id: 7, timestamp: 'soon', event_type: { id: 1 } }, /unrecognised timestamp/],
    [{ id: 7, timestamp: '2026-11-15 00:04:11', event_type: { id: '41' } }, /event_type\.id/],
    [null, /record is null/],
    [[1, 2], /an array/],
  ])('rejects %j with a reason', (record, reason) => {
    const result = classifyRecord(record);
    expect(result.kind).toBe('invalid');
    if (result.kind === 'invalid') expect(result.error).toMatch(reason);
  });
});

describe('event catalogue', () => {
  it('knows every documented type id with a label and a category', () => {
    const documented = [...Array.from({ length: 66 }, (_, i) => i), 67, 68, 69];
    for (const id of documented) {
      expect(eventTypeInfo(id).label).not.toMatch(/^Event type/);
    }
    expect(EVENT_TYPES.every((type) => type.category.length > 0)).toBe(true);
  });
});
