import type { NeutralMessage } from '../../src/messages/message.js';

const SEVERITY_TAG = { info: 'INFO', warn: 'WARN', critical: 'CRIT' } as const;

// C0/C1 controls (ESC starts terminal escape sequences) and bidi overrides: an event field
// must not recolour, move the cursor, or reorder the line it is printed on.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Makes one field safe for a terminal: no control characters, one line. */
export function plain(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(UNSAFE, '\uFFFD');
}

function utc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** Renders a neutral message as a few indented lines of plain text. */
export function renderForTerminal(message: NeutralMessage): string {
  const when = message.time ? ` (${utc(message.time)})` : '';
  const lines = [`[${SEVERITY_TAG[message.severity]}] ${plain(message.title)}${when}`];
  lines.push(`  ${plain(message.summary)}`);

  for (const field of message.fields) lines.push(`  ${plain(field.label)}: ${plain(field.value)}`);
  for (const section of message.sections) {
    const subtitle = section.subtitle ? ` (${plain(section.subtitle)})` : '';
    lines.push(`  ${plain(section.title)}${subtitle}`);
    for (const item of section.items) {
      const time = item.time ? `${utc(item.time)}  ` : '';
      lines.push(`    - ${time}${plain(item.text)}`);
    }
    if (section.omitted) lines.push(`    … and ${section.omitted} more`);
  }
  for (const note of message.notes) lines.push(`  ${plain(note)}`);
  for (const link of message.links) lines.push(`  ${plain(link.label)}: ${plain(link.url)}`);
  if (message.context.length > 0) lines.push(`  ${message.context.map(plain).join(' · ')}`);
  return lines.join('\n');
}
