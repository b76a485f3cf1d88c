import ms from 'ms';

// Longer than any window that makes sense here, and short enough for a valid Date.
const MAX_DURATION = 100 * 365 * 86_400_000;

/**
 * Reads a duration such as `60s`, `24h` or `7d` into milliseconds.
 * Returns undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?\s*[a-zA-Z]+$/.test(trimmed)) return undefined;

  const value = ms(trimmed as ms.StringValue);
  const valid = typeof value === 'number' && Number.isFinite(value) && value > 0;
  return valid && value <= MAX_DURATION ? value : undefined;
}
