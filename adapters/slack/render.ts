import { fitText } from '../../src/messages/fit-text.js';
import type { NeutralMessage, Section, Severity } from '../../src/messages/message.js';
import { escapeMrkdwn, slackDate } from './escape.js';
import { renderSlackMentions } from './mentions.js';

/** Slack's documented Block Kit limits. */
export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  fallbackText: 3000,
} as const;

export type Block = { type: string; [key: string]: unknown };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const SEVERITY: Record<Severity, { emoji: string; word: string }> = {
  info: { emoji: ':information_source:', word: 'Info' },
  warn: { emoji: ':warning:', word: 'Warning' },
  critical: { emoji: ':rotating_light:', word: 'Critical' },
};

const mrkdwn = (text: string, max: number) => fitText(text, max, escapeMrkdwn);

/** Renders a neutral message as Block Kit, within Slack's limits whatever its size. */
export function renderForSlack(message: NeutralMessage): SlackMessage {
  const severity = SEVERITY[message.severity];
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: fitText(`${severity.emoji} ${message.title}`, SLACK_LIMITS.header),
        emoji: true,
      },
    },
    section(`${mentionPrefix(message)}*${severity.word}* · ${escapeMrkdwn(message.summary)}`),
  ];

  if (message.fields.length > 0) blocks.push(fieldsBlock(message));
  if (message.time) blocks.push(context([`:clock3: ${slackDate(message.time)}`]));

  const tail = tailBlocks(message);
  const room = SLACK_LIMITS.blocks - blocks.length - tail.length;
  blocks.push(...sectionBlocks(message.sections, room), ...tail);

  return { text: mrkdwn(message.fallback, SLACK_LIMITS.fallbackText), blocks };
}

function mentionPrefix(message: NeutralMessage): string {
  const mention = renderSlackMentions(message.mention);
  return mention ? `${mention} ` : '';
}

// Summary text is escaped before it is cut; section() cuts whole characters only, so an
// entity such as &amp; is never split.
function section(escapedText: string): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: fitEscaped(escapedText, SLACK_LIMITS.sectionText) },
  };
}

function fitEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  // Cut at a grapheme boundary that is not inside an &…; entity.
  const cut = fitText(escaped, max);
  return cut.replace(/&[a-z]{0,3}…$/, '…');
}

function fieldsBlock(message: NeutralMessage): Block {
  const fields = message.fields.slice(0, SLACK_LIMITS.fields).map((field) => {
    const label = `*${mrkdwn(field.label, 100)}*\n`;
    return {
      type: 'mrkdwn',
      text: label + mrkdwn(field.value, SLACK_LIMITS.fieldText - label.length),
    };
  });
  return { type: 'section', fields };
}

function context(texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: fitEscaped(text, SLACK_LIMITS.fieldText) })),
  };
}

function tailBlocks(message: NeutralMessage): Block[] {
  const tail: Block[] = [];
  if (message.notes.length > 0) tail.push(context(message.notes.map(escapeMrkdwn)));
  if (message.context.length > 0) {
    tail.push(context([message.context.map(escapeMrkdwn).join(' · ')]));
  }

  const buttons = [
    ...message.links.map((link) => ({
      type: 'button',
      action_id: 'open_link',
      text: { type: 'plain_text', text: fitText(link.label, SLACK_LIMITS.buttonText) },
      url: link.url,
    })),
    ...message.actions.map((action) => ({
      type: 'button',
      action_id: action.id,
      value: action.value,
      text: { type: 'plain_text', text: fitText(action.label, SLACK_LIMITS.buttonText) },
      ...(action.style ? { style: action.style } : {}),
    })),
  ];
  if (buttons.length > 0) tail.push({ type: 'actions', elements: buttons.slice(0, 25) });
  return tail;
}

/**
 * One section block per list section, each cut to 3000 characters with a count of the lines
 * that did not fit; sections beyond the block budget are counted in a last line.
 */
function sectionBlocks(sections: Section[], room: number): Block[] {
  if (sections.length === 0) return [];
  const fits = sections.length <= room ? sections.length : Math.max(0, room - 1);
  const blocks = sections.slice(0, fits).map(sectionBlock);

  const left = sections.slice(fits);
  if (left.length > 0) {
    const entries = left.reduce((sum, s) => sum + s.items.length + (s.omitted ?? 0), 0);
    blocks.push(
      section(
        `_…and ${left.length} more groups (${entries} entries) not shown: narrow the query._`,
      ),
    );
  }
  return blocks;
}

function sectionBlock(section: Section): Block {
  const subtitle = section.subtitle ? ` (${escapeMrkdwn(section.subtitle)})` : '';
  const heading = `*${mrkdwn(section.title, 300)}*${subtitle}`;
  const lines: string[] = [];
  let length = heading.length;
  let shown = 0;

  for (const item of section.items) {
    const time = item.time ? `${slackDate(item.time, '{date_short} {time}')} ` : '';
    const line = `\n• ${time}${mrkdwn(item.text, 500)}`;
    // Keep room for the "…and N more" line.
    if (length + line.length > SLACK_LIMITS.sectionText - 40) break;
    lines.push(line);
    length += line.length;
    shown += 1;
  }

  const more = section.items.length - shown + (section.omitted ?? 0);
  const tail = more > 0 ? `\n_…and ${more} more_` : '';
  return { type: 'section', text: { type: 'mrkdwn', text: heading + lines.join('') + tail } };
}
