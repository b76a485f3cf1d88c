import { describe, expect, it } from 'vitest';
import { normaliseTimestamp } from '../../src/events/timestamp.js';

describe('normaliseTimestamp', () => {
  it.each([
    ['2026-11-20T04:17:55.000Z', '2026-11-20T04:17:55.000Z'],
    ['2026-11-20T04:17:55.000+0000', '2026-11-20T04:17:55.000Z'],
    ['2026-11-19T08:01:44Z', '2026-11-19T08:01:44.000Z'],
    ['2026-11-15 00:04:11', '2026-11-15T00:04:11.000Z'],
    ['2026-11-15T02:04:11+02:00', '2026-11-15T00:04:11.000Z'],
    ['2026-11-20T04:17:55.123456Z', '2026-11-20T04:17:55.123Z'],
  ])('reads %s as UTC', (input, expected) => {
    expect(normaliseTimestamp(input)).toBe(expected);
  });

  it('reads a zone-less timestamp as UTC whatever the local zone is', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(normaliseTimestamp('2026-11-15 00:04:11')).toBe('2026-11-15T00:04:11.000Z');
    } finally {
      process.env.TZ = before;
    }
  });

  it.each(['yesterday', '2026-13-45T99:00:00Z', '', '1700000000'])('refuses %j', (input) => {
    expect(normaliseTimestamp(input)).toBeUndefined();
  });
});
