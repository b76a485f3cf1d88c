import { describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { parseJsonExact, parseRecords } from '../../src/events/parse-body.js';
import { fixtureText } from '../helpers/fixtures.js';

describe('parseJsonExact', () => {
  it('keeps ids beyond 2^53 exact, as decimal strings', () => {
    const records = parseJsonExact(fixtureText('streamer-batch-large-ids.json')) as Array<{
      id: unknown;
    }>;
    expect(records.map((record) => record.id)).toEqual([
      '41285093366214417',
      '41285093366214418',
      '9007199254740993',
    ]);
  });

  it('leaves safe integers as numbers', () => {
    expect(parseJsonExact('{"id": 5861587211670153, "n": 3}')).toEqual({
      id: 5861587211670153,
      n: 3,
    });
  });

  it('is not fooled by long digit runs inside strings', () => {
    const value = parseJsonExact('{"iccid":"8988097440632348378","id":12}') as { iccid: string };
    expect(value.iccid).toBe('8988097440632348378');
  });

  it('keeps exactness when a long number follows whitespace or opens an array', () => {
    expect(parseJsonExact('[ 12345678901234567891 ]')).toEqual(['12345678901234567891']);
    expect(parseJsonExact('{"id":\n  12345678901234567891}')).toEqual({
      id: '12345678901234567891',
    });
  });

  it('reports invalid JSON with code body_not_json on both parse paths', () => {
    expect(() => parseJsonExact('{"id": 1,')).toThrow(BotError);
    expect(() => parseJsonExact('{"id": 12345678901234567891,')).toThrow(/not valid JSON/);
  });
});

describe('parseRecords', () => {
  it('accepts an array or a single record', () => {
    expect(parseRecords('[{"a":1},{"b":2}]')).toHaveLength(2);
    expect(parseRecords('{"a":1}')).toEqual([{ a: 1 }]);
    expect(parseRecords('[]')).toEqual([]);
  });

  it.each([
    ['', 'body_empty'],
    ['   \n', 'body_empty'],
    ['null', 'body_not_records'],
    ['42', 'body_not_records'],
    ['"text"', 'body_not_records'],
    ['<xml/>', 'body_not_json'],
  ])('refuses %j with %s', (body, code) => {
    expect(() => parseRecords(body)).toThrow(expect.objectContaining({ code }));
  });
});
