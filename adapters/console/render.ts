import type { NeutralMessage } from '../../src/messages/message.js';
import { utcMinute } from '../../src/messages/utc-minute.js';

const SEVERITY_TAG = { info: 'INFO', warn: 'WARN', critical: 'CRIT' } as const;

// C0/C1 controls (ESC starts terminal escape sequences), bidi marks and overrides, line and
// paragraph separators, zero-width characters: an event field must not recolour, move the
// cursor, hide text, or reorder the line it is printed on.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

/** Makes one field safe for a terminal: no control characters, one line. */
export function plain(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(UNSAFE, '\uFFFD');
}

/** JSON for a terminal: as JSON.stringify, with C1 controls and separators escaped too. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Renders a neutral message as a few indented lines of plain text. */
export function renderForTerminal(message: NeutralMessage): string {
  const when = message.time ? ` (${utcMinute(message.time)})` : '';
  const lines = [`[${SEVERITY_TAG[message.severity]}] ${plain(message.title)}${when}`];
  lines.push(`  ${plain(message.summary)}`);

  for (const field of message.fields) lines.push(`  ${plain(field.label)}: ${plain(field.value)}`);
  for (const section of message.sections) {
    const subtitle = section.subtitle ? ` (${plain(section.subtitle)})` : '';
    lines.push(`  ${plain(section.title)}${subtitle}`);
    for (const item of section.items) {
      const time = item.time ? `${utcMinute(item.time)}  ` : '';
      lines.push(`    - ${time}${plain(item.text)}`);
    }
    if (section.omitted) lines.push(`    … and ${section.omitted} more`);
  }
  for (const note of message.notes) lines.push(`  ${plain(note)}`);
  for (const link of message.links) lines.push(`  ${plain(link.label)}: ${plain(link.url)}`);
  if (message.context.length > 0) lines.push(`  ${message.context.map(plain).join(' · ')}`);
  return lines.join('\n');
}
