import { fitText } from '../../src/messages/fit-text.js';
import type { NeutralMessage, Section, Severity } from '../../src/messages/message.js';
import { escapeTeamsMarkdown, teamsDateTime } from './escape.js';
import { storedMentions, type TeamsMention } from './mentions.js';

/** Budgets that keep a card well under Teams' 28 KB message limit. */
export const TEAMS_LIMITS = {
  cardBytes: 24 * 1024,
  title: 200,
  text: 2000,
  factValue: 500,
  facts: 12,
  items: 60,
  summary: 250,
} as const;

export type CardElement = { type: string; [key: string]: unknown };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  fallbackText: string;
  body: CardElement[];
  actions?: CardElement[];
  /** Teams' extension for mentions inside a card. */
  msteams?: { entities: unknown[] };
}

const SEVERITY: Record<Severity, { icon: string; word: string; color: string }> = {
  info: { icon: 'ℹ️', word: 'Info', color: 'Default' },
  warn: { icon: '⚠️', word: 'Warning', color: 'Warning' },
  critical: { icon: '🚨', word: 'Critical', color: 'Attention' },
};

const md = (text: string, max: number) => fitText(text, max, escapeTeamsMarkdown);

/** Renders a neutral message as an Adaptive Card 1.5 that stays under the size budget. */
export function renderCard(message: NeutralMessage): AdaptiveCard {
  const severity = SEVERITY[message.severity];
  const body: CardElement[] = [
    {
      type: 'TextBlock',
      text: `${severity.icon} ${severity.word} · ${md(message.title, TEAMS_LIMITS.title)}`,
      weight: 'Bolder',
      size: 'Medium',
      color: severity.color,
      wrap: true,
      style: 'heading',
    },
    { type: 'TextBlock', text: md(message.summary, TEAMS_LIMITS.text), wrap: true },
  ];

  if (message.fields.length > 0) {
    body.push({
      type: 'FactSet',
      facts: message.fields.slice(0, TEAMS_LIMITS.facts).map((field) => ({
        title: md(field.label, 100),
        value: md(field.value, TEAMS_LIMITS.factValue),
      })),
    });
  }
  if (message.time) body.push(subtle(`🕒 ${teamsDateTime(message.time)}`));

  const tail: CardElement[] = message.notes.map((note) => subtle(md(note, TEAMS_LIMITS.text)));
  if (message.context.length > 0) {
    tail.push(subtle(message.context.map((c) => md(c, 300)).join(' · ')));
  }

  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    // Hosts may render fallbackText as markdown too.
    fallbackText: md(message.fallback, 1000),
    body,
  };
  const actions: CardElement[] = message.links.map((link) => ({
    type: 'Action.OpenUrl',
    title: fitText(link.label, 60),
    url: link.url,
  }));
  for (const action of message.actions) {
    actions.push({
      type: 'Action.Submit',
      title: fitText(action.label, 60),
      data: { action: action.id, key: action.value },
      ...(action.style === 'primary' ? { style: 'positive' } : {}),
    });
  }
  if (actions.length > 0) card.actions = actions;
  addMentions(card, storedMentions(message.mention));

  addSections(card, message.sections, tail);
  return card;
}

function addMentions(card: AdaptiveCard, people: TeamsMention[]): void {
  if (people.length === 0) return;
  const tags = people.map((who) => `<at>${who.name}</at>`);
  card.body.unshift({ type: 'TextBlock', text: `🔔 ${tags.join(' ')}`, wrap: true });
  card.msteams = {
    entities: people.map((who, i) => ({
      type: 'mention',
      text: tags[i],
      mentioned: { id: who.id, name: who.name },
    })),
  };
}

/** A short plain line for the notification toast and the activity feed. */
export function cardSummary(message: NeutralMessage): string {
  return fitText(message.fallback, TEAMS_LIMITS.summary);
}

function subtle(text: string): CardElement {
  return { type: 'TextBlock', text, isSubtle: true, size: 'Small', wrap: true };
}

/**
 * Adds list sections while the card stays under its byte budget; whatever does not fit is
 * counted in a closing line, so a long `recent` reply says what it left out.
 */
function addSections(card: AdaptiveCard, sections: Section[], tail: CardElement[]): void {
  const reserve = bytes(tail) + 400;
  let left = 0;

  for (const section of sections) {
    const container = sectionContainer(section);
    if (left === 0 && bytes(card) + bytes(container) + reserve <= TEAMS_LIMITS.cardBytes) {
      card.body.push(container);
    } else {
      left += section.items.length + (section.omitted ?? 0);
    }
  }
  if (left > 0) {
    card.body.push(subtle(`…and ${left} more entries not shown: narrow the query.`));
  }
  card.body.push(...tail);
}

function sectionContainer(section: Section): CardElement {
  const shown = section.items.slice(0, TEAMS_LIMITS.items);
  const more = section.items.length - shown.length + (section.omitted ?? 0);
  const subtitle = section.subtitle ? ` (${md(section.subtitle, 100)})` : '';

  const items: CardElement[] = shown.map((item) => ({
    type: 'TextBlock',
    text: `${item.time ? `${teamsDateTime(item.time)} · ` : ''}${md(item.text, 300)}`,
    wrap: true,
    spacing: 'None',
  }));
  if (more > 0) items.push(subtle(`…and ${more} more`));

  return {
    type: 'Container',
    separator: true,
    items: [
      { type: 'TextBlock', text: `**${md(section.title, 200)}**${subtitle}`, wrap: true },
      ...items,
    ],
  };
}

function bytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
