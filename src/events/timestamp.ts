// Four spellings occur in emnify events, all UTC:
//   2026-11-20T04:17:55.000Z, 2026-11-20T04:17:55.000+0000, 2026-11-19T08:01:44Z,
//   2026-11-15 00:04:11 (no zone: `new Date()` would read it as local time).
const SHAPE =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Reads an emnify timestamp into an ISO 8601 UTC string with milliseconds,
 * or returns undefined when it is not one of the spellings emnify uses.
 */
export function normaliseTimestamp(text: string): string | undefined {
  // Most events already carry the canonical form; a round trip proves the date is real.
  if (text.length === 24 && CANONICAL.test(text) && isRealDate(text.slice(0, 10))) {
    const millis = Date.parse(text);
    if (!Number.isNaN(millis) && new Date(millis).toISOString() === text) return text;
  }

  const match = SHAPE.exec(text.trim());
  if (!match) return undefined;

  const [, date, time, zone] = match;
  if (!isRealDate(date ?? '')) return undefined;
  const offset = !zone || zone.toUpperCase() === 'Z' ? 'Z' : withColon(zone);
  const millis = Date.parse(`${date}T${trimFraction(time ?? '')}${offset}`);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

function withColon(zone: string): string {
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

// Date.parse takes at most millisecond precision reliably.
function trimFraction(time: string): string {
  const [clock, fraction] = time.split('.');
  return fraction ? `${clock}.${fraction.slice(0, 3).padEnd(3, '0')}` : (clock ?? '');
}

// Date.parse moves 2026-02-30 to 2026-03-02 instead of refusing it.
function isRealDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
