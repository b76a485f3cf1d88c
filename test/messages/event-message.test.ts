import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/events/classify-record.js';
import type { EmnifyEvent } from '../../src/events/emnify-event.js';
import { parseJsonExact } from '../../src/events/parse-body.js';
import { buildEventMessage } from '../../src/messages/event-message.js';
import { fixtureEvents, fixtureText } from '../helpers/fixtures.js';

const OPTIONS = { portalUrl: 'https://portal.emnify.com' };

function eventFrom(text: string): EmnifyEvent {
  const result = classifyRecord(parseJsonExact(text));
  if (result.kind !== 'event') throw new Error('fixture is not an event');
  return result.event;
}

describe('buildEventMessage for every fixture event', () => {
  it.each(fixtureEvents())(
    'gives $file a title, a summary and facts, never raw JSON',
    ({ text }) => {
      const message = buildEventMessage(eventFrom(text), OPTIONS);
      expect(message.title.length).toBeGreaterThan(3);
      expect(message.summary.length).toBeGreaterThan(5);
      expect(message.time).toMatch(/Z$/);
      expect(message.fields.length).toBeGreaterThan(0);

      const everything = [
        message.summary,
        ...message.fields.flatMap((f) => [f.label, f.value]),
      ].join('\n');
      expect(everything).not.toMatch(/[{}]|\[object Object\]|undefined/);
    },
  );
});

describe('dedicated messages', () => {
  it('says which account was deleted, by whom, where and when, as a warning', () => {
    const message = buildEventMessage(
      eventFrom(fixtureText('events/46-user-deleted.json')),
      OPTIONS,
    );
    expect(message).toMatchObject({
      title: 'User deleted',
      severity: 'warn',
      time: '2026-11-19T09:30:00.000Z',
      summary:
        'owen.fletcher@copperleaf.example.org was deleted by Priya Raman ' +
        '(priya.raman@copperleaf.example.org) in Copperleaf Agritech Ltd.',
    });
    expect(message.fields.map((f) => f.label)).toEqual([
      'Deleted account',
      'Deleted by',
      'Organisation',
      'Severity',
    ]);
    expect(message.context).toContain('Event 83502219863006');
  });

  it('says who verified, in which organisation', () => {
    const message = buildEventMessage(
      eventFrom(fixtureText('events/41-user-verified.json')),
      OPTIONS,
    );
    expect(message).toMatchObject({ title: 'User verified', severity: 'info' });
    expect(message.fields).toContainEqual({
      label: 'User',
      value: 'Hannah Okafor (h.okafor@copperleaf.example.org)',
    });
  });

  it('shows endpoint, SIM and detail facts for a generic event', () => {
    const message = buildEventMessage(
      eventFrom(fixtureText('events/18-quota-threshold-reached.json')),
      OPTIONS,
    );
    expect(message.title).toBe('Quota threshold reached');
    expect(message.fields).toContainEqual({
      label: 'Endpoint',
      value: 'yard-gateway-hamburg (id 44517335)',
    });
    expect(message.fields).toContainEqual({ label: 'Quota threshold percentage', value: '80' });
    expect(message.fields).toContainEqual({ label: 'Severity', value: 'Warning, alert' });
  });

  it('names an unknown type after its own description', () => {
    const message = buildEventMessage(
      eventFrom(fixtureText('events/999-unknown-future-type.json')),
      OPTIONS,
    );
    expect(message.title).toBe('Some future event type');
  });
});
