/** "2026-11-19 09:30 UTC": a time for plain text, where no reader's zone is known. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
