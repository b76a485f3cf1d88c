import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { BotError } from '../errors.js';

// A JSON number token follows `:`, `[`, `,` or the start of the text. Sixteen or more digits
// may exceed 2^53, where JSON.parse silently rounds (two distinct event ids become one).
// The test over-approximates: a string that merely looks like that costs a slower parse,
// never a wrong one.
const LONG_NUMBER = /[:[,]\s*-?\d{16}/;
const LONG_NUMBER_FIRST = /^\s*-?\d{16}/;

/**
 * Parses JSON text so that every integer keeps its exact value: integers beyond 2^53 come
 * back as decimal strings. Uses JSON.parse unless the text holds a long number token, so
 * the common body costs what JSON.parse costs.
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_NUMBER.test(text) && !LONG_NUMBER_FIRST.test(text)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw notJson(error);
    }
  }

  try {
    return parseLossless(text, undefined, (digits) =>
      isSafeNumber(digits, { approx: false }) ? Number(digits) : digits,
    );
  } catch (error) {
    throw notJson(error);
  }
}

function notJson(error: unknown): BotError {
  if (error instanceof RangeError) {
    return new BotError('body_not_json', 'body is nested too deeply to read', { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new BotError('body_not_json', `body is not valid JSON: ${reason}`, { cause: error });
}

/** The Data Streamer batches at most 10,000 records; more in one body is refused whole. */
export const MAX_RECORDS = 10_000;

/**
 * Parses a webhook body into its records: a JSON array of records, or one record object.
 */
export function parseRecords(text: string): unknown[] {
  if (text.trim() === '') throw new BotError('body_empty', 'body is empty: expected JSON records');

  const value = parseJsonExact(text);
  if (Array.isArray(value)) {
    if (value.length > MAX_RECORDS) {
      throw new BotError(
        'body_too_large',
        `body holds ${value.length} records; send at most ${MAX_RECORDS} per request`,
      );
    }
    return value;
  }
  if (value !== null && typeof value === 'object') return [value];
  throw new BotError(
    'body_not_records',
    `body is JSON ${value === null ? 'null' : typeof value}: ` +
      'expected an array of records or one record',
  );
}
