// Characters that start emphasis, code or a link in the markdown subset Teams renders in
// Adaptive Card text. Parentheses need no escape once brackets have one, and every escape a
// reader might see is one too many.
const INLINE = /[\\`*_[\]~]/g;

/**
 * Escapes one dynamic string for Adaptive Card markdown in Teams: inline markers get a
 * backslash, line breaks become spaces (so no list, heading or quote can start), and a
 * leading block marker (`#`, `-`, `+`, `1.`) is escaped as well.
 */
export function escapeTeamsMarkdown(text: string): string {
  const oneLine = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  // "{{" would start a card function such as {{DATE(…)}}.
  const inline = oneLine.replace(INLINE, '\\$&').replace(/\{\{/g, '{\\{');
  return inline.replace(/^(\s*)([#+-]|\d+\.)/, (_, space: string, marker: string) =>
    marker.endsWith('.') ? `${space}${marker.slice(0, -1)}\\.` : `${space}\\${marker}`,
  );
}

/**
 * The card's own date and time functions: Teams shows them in each reader's zone. They want
 * RFC 3339 without fractions of a second.
 */
export function teamsDateTime(iso: string): string {
  const stamp = `${iso.slice(0, 19)}Z`;
  return `{{DATE(${stamp}, SHORT)}} {{TIME(${stamp})}}`;
}
