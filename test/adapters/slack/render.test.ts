import { describe, expect, it } from 'vitest';
import { renderForSlack } from '../../../adapters/slack/render.js';
import { classifyRecord } from '../../../src/events/classify-record.js';
import type { EmnifyEvent } from '../../../src/events/emnify-event.js';
import { parseJsonExact } from '../../../src/events/parse-body.js';
import { buildEventMessage } from '../../../src/messages/event-message.js';
import { message } from '../../../src/messages/message.js';
import { blockKitProblems, mrkdwnTexts } from '../../helpers/block-kit.js';
import { fixtureEvents, fixtureText } from '../../helpers/fixtures.js';

const OPTIONS = { portalUrl: 'https://portal.emnify.com' };

function eventFrom(text: string): EmnifyEvent {
  const result = classifyRecord(parseJsonExact(text));
  if (result.kind !== 'event') throw new Error('not an event');
  return result.event;
}

function deletion(overrides: { actor?: string; org?: string; deleted?: string }) {
  const event = eventFrom(fixtureText('events/46-user-deleted.json'));
  return {
    ...event,
    user: { ...event.user, name: overrides.actor ?? 'Priya Raman' },
    organisation: { id: '731094', name: overrides.org ?? 'Copperleaf Agritech Ltd' },
    detail: { user: { id: 1, username: overrides.deleted ?? 'owen@example.org' } },
  };
}

describe('renderForSlack over every fixture event', () => {
  it.each(fixtureEvents())('renders $file as valid Block Kit with a fallback text', ({ text }) => {
    const rendered = renderForSlack(buildEventMessage(eventFrom(text), OPTIONS));
    expect(blockKitProblems(rendered)).toEqual([]);
    expect(rendered.blocks[0]?.type).toBe('header');
  });
});

describe('renderForSlack layout', () => {
  it('shows severity by emoji and words, the time as a date token with a UTC fallback', () => {
    const rendered = renderForSlack(buildEventMessage(deletion({}), OPTIONS));
    expect(JSON.stringify(rendered.blocks[0])).toContain(':warning: User deleted');
    const texts = mrkdwnTexts(rendered).join('\n');
    expect(texts).toContain('*Warning* · ');
    const seconds = Date.parse('2026-11-19T09:30:00Z') / 1000;
    expect(texts).toContain(
      `<!date^${seconds}^{date_short_pretty} at {time}|2026-11-19 09:30 UTC>`,
    );
    expect(texts).toContain('Event 83502219863006');
    const actions = rendered.blocks.find((block) => block.type === 'actions');
    expect(JSON.stringify(actions)).toContain('https://portal.emnify.com');
  });
});

describe('renderForSlack escaping', () => {
  it.each(['<!channel>', '<@U0123>', '<https://evil.example|click me>', '<!here|here>'])(
    'shows %s literally and pings no one',
    (hostile) => {
      const rendered = renderForSlack(
        buildEventMessage(deletion({ actor: hostile, org: hostile, deleted: hostile }), OPTIONS),
      );
      const texts = [...mrkdwnTexts(rendered), rendered.text].join('\n');
      const withoutDates = texts.replace(/<!date\^[^>]+>/g, '');
      expect(withoutDates).not.toMatch(/<[!@#h]/);
      expect(withoutDates).toContain(hostile.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    },
  );

  it('escapes &, < and > exactly once', () => {
    const rendered = renderForSlack(
      buildEventMessage(deletion({ org: 'Smith & Sons <GmbH> &amp;' }), OPTIONS),
    );
    const texts = mrkdwnTexts(rendered).join('\n');
    expect(texts).toContain('Smith &amp; Sons &lt;GmbH&gt; &amp;amp;');
    expect(texts).not.toContain('&amp;lt;');
  });
});

describe('renderForSlack limits', () => {
  it('cuts a 400-character organisation name within every limit', () => {
    const org = 'Nordwind '.repeat(45).trim();
    const rendered = renderForSlack(buildEventMessage(deletion({ org }), OPTIONS));
    expect(org.length).toBeGreaterThan(400);
    expect(blockKitProblems(rendered)).toEqual([]);
  });

  it('never cuts inside a flag or an emoji sequence, and marks the cut with …', () => {
    const title = `${'🇩🇪'.repeat(100)}👩‍👩‍👧‍👦`;
    const rendered = renderForSlack(message({ title, summary: '👩‍👩‍👧‍👦'.repeat(600) }));
    const header = String((rendered.blocks[0]?.text as { text?: string } | undefined)?.text);
    expect(header.length).toBeLessThanOrEqual(150);
    expect(header.endsWith('…')).toBe(true);
    // Whole flags only: an even number of regional indicators.
    expect([...header].filter((c) => /\p{Regional_Indicator}/u.test(c)).length % 2).toBe(0);
    const summary = mrkdwnTexts(rendered)[0] ?? '';
    expect(summary.length).toBeLessThanOrEqual(3000);
    expect(summary.replace(/^\*Info\* · /, '').replace(/…$/, '').length % 11).toBe(0);
  });

  it('keeps right-to-left names intact', () => {
    const rendered = renderForSlack(buildEventMessage(deletion({ actor: 'مريم العلي' }), OPTIONS));
    expect(mrkdwnTexts(rendered).join('\n')).toContain('مريم العلي');
  });

  it('keeps a recent reply with 500 entries valid and says what was left out', () => {
    const sections = Array.from({ length: 60 }, (_, g) => ({
      title: `Organisation ${g}`,
      subtitle: '8 deleted',
      items: Array.from({ length: 8 }, (_, i) => ({
        text: `user-${g}-${i}@example.org deleted by Someone With A Long Name`,
        time: '2026-11-20T10:00:00.000Z',
      })),
    }));
    const rendered = renderForSlack(
      message({
        title: 'Recent user deletions',
        summary: '480 …',
        sections,
        notes: ['Showing 480 of 500; 20 left out.'],
      }),
    );
    expect(blockKitProblems(rendered)).toEqual([]);
    const texts = mrkdwnTexts(rendered).join('\n');
    expect(texts).toMatch(/more groups \(\d+ entries\) not shown/);
    expect(texts).toContain('20 left out');
  });

  it('cuts one long group with a count of the lines that did not fit', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({
      text: `account-${i}@example.org deleted by X`,
    }));
    const rendered = renderForSlack(
      message({
        title: 'Recent',
        summary: 's',
        sections: [{ title: 'Nordwind', items, omitted: 25 }],
      }),
    );
    expect(blockKitProblems(rendered)).toEqual([]);
    const more = /…and (\d+) more/.exec(mrkdwnTexts(rendered).join('\n'));
    const shown = (mrkdwnTexts(rendered).join('\n').match(/^• /gm) ?? []).length;
    expect(Number(more?.[1])).toBe(500 - shown + 25);
  });
});
