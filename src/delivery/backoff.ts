/** Exponential backoff from one second, capped at five minutes, with jitter on top. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}
