import { parseDuration } from '../config/duration.js';
import { normaliseTimestamp } from '../events/timestamp.js';

/** Reads `24h`, `7d` or an ISO date into the window's start, or undefined if it is neither. */
export function parseSince(text: string, now: Date): string | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return new Date(now.getTime() - duration).toISOString();

  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
  return normaliseTimestamp(dateOnly ? `${text.trim()}T00:00:00Z` : text);
}
