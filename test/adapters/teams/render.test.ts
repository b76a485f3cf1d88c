import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { escapeTeamsMarkdown } from '../../../adapters/teams/escape.js';
import { type AdaptiveCard, renderCard, TEAMS_LIMITS } from '../../../adapters/teams/render.js';
import { classifyRecord } from '../../../src/events/classify-record.js';
import type { EmnifyEvent } from '../../../src/events/emnify-event.js';
import { parseJsonExact } from '../../../src/events/parse-body.js';
import { buildEventMessage } from '../../../src/messages/event-message.js';
import { message } from '../../../src/messages/message.js';
import { fixtureEvents, fixtureText } from '../../helpers/fixtures.js';

// The package's ES build does not load in Node; its UMD build does.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');
const OPTIONS = { portalUrl: 'https://portal.emnify.com' };

/** Parses a card as a 1.5 host would; returns unknown elements and dropped properties. */
function cardProblems(card: AdaptiveCard): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  // Properties 1.5 does not know are dropped when the parsed card is written back.
  const missing = missingKeys(card, parsed.toJSON(context));
  return [...problems, ...missing.map((path) => `unknown property ${path}`)];
}

function missingKeys(original: unknown, roundTrip: unknown, path = ''): string[] {
  if (Array.isArray(original)) {
    return original.flatMap((item, i) =>
      missingKeys(item, (roundTrip as unknown[] | undefined)?.[i], `${path}[${i}]`),
    );
  }
  if (original && typeof original === 'object') {
    const back = (roundTrip ?? {}) as Record<string, unknown>;
    return Object.entries(original).flatMap(([key, value]) =>
      key in back ? missingKeys(value, back[key], `${path}.${key}`) : [`${path}.${key}`],
    );
  }
  return [];
}

function eventFrom(text: string): EmnifyEvent {
  const result = classifyRecord(parseJsonExact(text));
  if (result.kind !== 'event') throw new Error('not an event');
  return result.event;
}

function size(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card));
}

describe('renderCard over every fixture event', () => {
  it.each(fixtureEvents())(
    'renders $file as an Adaptive Card 1.5 a 1.5 host accepts',
    ({ text }) => {
      const card = renderCard(buildEventMessage(eventFrom(text), OPTIONS));
      expect(card.version).toBe('1.5');
      expect(cardProblems(card)).toEqual([]);
      expect(size(card)).toBeLessThan(28 * 1024);
      expect(card.fallbackText.length).toBeGreaterThan(0);
    },
  );
});

describe('renderCard content', () => {
  it('shows severity in words, the facts, local time functions and a portal link', () => {
    const card = renderCard(
      buildEventMessage(eventFrom(fixtureText('events/46-user-deleted.json')), OPTIONS),
    );
    const json = JSON.stringify(card);
    expect(json).toContain('Warning · User deleted');
    expect(json).toContain('{{DATE(2026-11-19T09:30:00Z, SHORT)}} {{TIME(2026-11-19T09:30:00Z)}}');
    expect(card.body.some((element) => element.type === 'FactSet')).toBe(true);
    expect(card.actions?.[0]).toMatchObject({
      type: 'Action.OpenUrl',
      url: 'https://portal.emnify.com',
    });
  });
});

describe('escapeTeamsMarkdown', () => {
  it.each([
    ['[x](http://evil.example)', '\\[x\\](http://evil.example)'],
    ['**bold** _it_ `code` ~~s~~', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~'],
    ['# Heading', '\\# Heading'],
    ['- item', '\\- item'],
    ['1. first', '1\\. first'],
    ['line\n# two\n- three', 'line # two - three'],
    ['{{DATE(2020-01-01T00:00:00Z)}}', '{\\{DATE(2020-01-01T00:00:00Z)}}'],
    [
      '<at>everyone</at> (no entity, so no mention)',
      '<at>everyone</at> (no entity, so no mention)',
    ],
  ])('neutralises %j', (input, expected) => {
    expect(escapeTeamsMarkdown(input)).toBe(expected);
  });

  it('leaves ordinary names, e-mail addresses and right-to-left text alone', () => {
    expect(escapeTeamsMarkdown('Jana Keller (jana.keller@nordwind.example.com)')).toBe(
      'Jana Keller (jana.keller@nordwind.example.com)',
    );
    expect(escapeTeamsMarkdown('مريم العلي')).toBe('مريم العلي');
  });
});

describe('renderCard limits', () => {
  it('keeps hostile and very long names inside the card and under the size budget', () => {
    const event = eventFrom(fixtureText('events/46-user-deleted.json'));
    const long = `${'[x](http://evil) '.repeat(100)}${'🇩🇪'.repeat(300)}`;
    const card = renderCard(
      buildEventMessage({ ...event, organisation: { id: '1', name: long } }, OPTIONS),
    );
    expect(cardProblems(card)).toEqual([]);
    expect(size(card)).toBeLessThan(28 * 1024);
    expect(JSON.stringify(card)).not.toMatch(/[^\\]\[x\]\(http/);
  });

  it('cuts a recent reply with 500 entries and says how many were left out', () => {
    const sections = Array.from({ length: 50 }, (_, g) => ({
      title: `Organisation ${g}`,
      subtitle: '10 deleted',
      items: Array.from({ length: 10 }, (_, i) => ({
        text: `user-${g}-${i}@example.org deleted by Someone With A Fairly Long Name`,
        time: '2026-11-20T10:00:00.000Z',
      })),
    }));
    const card = renderCard(message({ title: 'Recent user deletions', summary: '500', sections }));
    expect(size(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
    expect(cardProblems(card)).toEqual([]);
    const shown = (JSON.stringify(card).match(/deleted by Someone/g) ?? []).length;
    const left = Number(/…and (\d+) more entries not shown/.exec(JSON.stringify(card))?.[1]);
    expect(shown).toBeGreaterThan(0);
    expect(shown + left).toBe(500);
  });
});
