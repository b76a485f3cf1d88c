import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/commands/parse-command.js';

const NOW = new Date('2026-12-03T12:00:00Z');

function parse(text: string) {
  return parseCommand(text, NOW);
}

describe('parseCommand', () => {
  it('defaults to both kinds, every organisation, seven days, twenty entries, private', () => {
    expect(parse('recent')).toEqual({
      ok: true,
      command: {
        name: 'recent',
        kinds: ['deleted', 'verified'],
        organisation: undefined,
        since: '2026-11-26T12:00:00.000Z',
        sinceLabel: '7d',
        limit: 20,
        public: false,
      },
    });
  });

  it('reads kind, a multi-word organisation, since, limit and public in any order', () => {
    const result = parse('recent deleted Nordwind Logistik --limit 5 --since 24h --public');
    expect(result).toMatchObject({
      ok: true,
      command: {
        kinds: ['deleted'],
        organisation: 'Nordwind Logistik',
        since: '2026-12-02T12:00:00.000Z',
        limit: 5,
        public: true,
      },
    });
  });

  it.each(['emnify-users recent verified', 'users recent verified', 'RECENT Verified'])(
    'ignores a leading command name and case: %s',
    (text) => {
      expect(parse(text)).toMatchObject({ ok: true, command: { kinds: ['verified'] } });
    },
  );

  it('reads quoted names, typographic quotes and dashes that chat clients substitute', () => {
    expect(parse('recent “Copperleaf Agritech Ltd” —since 2026-11-03')).toMatchObject({
      ok: true,
      command: { organisation: 'Copperleaf Agritech Ltd', since: '2026-11-03T00:00:00.000Z' },
    });
    expect(parse("recent 'Bluefjord' --since=30d")).toMatchObject({
      ok: true,
      command: { organisation: 'Bluefjord', since: '2026-11-03T12:00:00.000Z' },
    });
  });

  it('treats an empty text and help as help', () => {
    expect(parse('')).toEqual({ ok: true, command: { name: 'help' } });
    expect(parse('help')).toEqual({ ok: true, command: { name: 'help' } });
  });

  it.each([
    ['delete everything', /don't know the command "delete"/],
    ['recent --since yesterday', /--since takes a duration/],
    ['recent --limit 0', /--limit takes a whole number/],
    ['recent --limit 5000', /--limit takes a whole number/],
    ['recent --limit', /needs a value/],
    ['recent --colour red', /don't know the option "--colour"/],
  ])('explains what it did not understand in %j', (text, problem) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});
