import { type ManageCommand, parseManage } from './parse-manage.js';
import { parseSince } from './parse-since.js';
import { tokenize } from './tokenize.js';

export type RecentKind = 'deleted' | 'verified';

export interface RecentCommand {
  name: 'recent';
  kinds: RecentKind[];
  organisation?: string;
  since: string;
  /** What the reader asked for, to repeat it back ("7d", "2026-11-03"). */
  sinceLabel: string;
  limit: number;
  public: boolean;
  /** Set when the channel asking sees only the organisations it subscribed to. */
  channelOnly?: boolean;
}

export type Command = RecentCommand | ManageCommand | { name: 'help' };

export type ParseResult = { ok: true; command: Command } | { ok: false; problem: string };

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
export const DEFAULT_SINCE = '7d';

export const COMMAND_GRAMMAR =
  'recent [deleted|verified] [<organisation name or id>] [--since <24h|7d|ISO date>] ' +
  '[--limit <n>] [--public]';

/**
 * Parses the chat command grammar (the same on Slack and Teams). A leading `emnify-users`
 * or `users` is optional. Problems come back as one sentence that names what was not
 * understood.
 */
export function parseCommand(text: string, now = new Date()): ParseResult {
  return parseCommandWords(tokenize(text), now);
}

/** The same, for words already split (the command line). */
export function parseCommandWords(input: string[], now = new Date()): ParseResult {
  const words = [...input];
  while (words[0] && /^(emnify-users|users|\/emnify-users)$/i.test(words[0])) words.shift();

  const verb = words.shift()?.toLowerCase();
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '?') {
    return { ok: true, command: { name: 'help' } };
  }
  if (verb === 'recent') return parseRecent(words, now);
  return parseManage(verb, words) ?? { ok: false, problem: `I don't know the command "${verb}".` };
}

function parseRecent(words: string[], now: Date): ParseResult {
  let kinds: RecentKind[] = ['deleted', 'verified'];
  let sinceLabel = DEFAULT_SINCE;
  let limit = DEFAULT_LIMIT;
  let isPublic = false;
  const orgWords: string[] = [];

  const first = words[0]?.toLowerCase();
  if (first === 'deleted' || first === 'verified') {
    kinds = [first];
    words.shift();
  }

  for (let i = 0; i < words.length; i += 1) {
    const [flag, inline] = splitFlag(words[i] ?? '');
    if (!flag.startsWith('--')) {
      orgWords.push(words[i] ?? '');
      continue;
    }

    if (flag === '--public') {
      isPublic = true;
      continue;
    }
    if (flag !== '--since' && flag !== '--limit' && flag !== '--org') {
      return { ok: false, problem: `I don't know the option "${flag}".` };
    }

    const value = inline ?? words[++i];
    if (value === undefined || value === '') {
      return { ok: false, problem: `The option ${flag} needs a value.` };
    }
    if (flag === '--since') sinceLabel = value;
    if (flag === '--org') orgWords.push(value);
    if (flag === '--limit') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
        return { ok: false, problem: `--limit takes a whole number from 1 to ${MAX_LIMIT}.` };
      }
      limit = n;
    }
  }

  const since = parseSince(sinceLabel, now);
  if (!since) {
    return {
      ok: false,
      problem:
        '--since takes a duration like 24h or 7d, or a date like 2026-11-03; ' +
        `not "${sinceLabel}".`,
    };
  }

  const organisation = orgWords.join(' ').trim() || undefined;
  return {
    ok: true,
    command: { name: 'recent', kinds, organisation, since, sinceLabel, limit, public: isPublic },
  };
}

function splitFlag(word: string): [string, string | undefined] {
  if (!word.startsWith('--')) return [word, undefined];
  const equals = word.indexOf('=');
  return equals === -1
    ? [word.toLowerCase(), undefined]
    : [word.slice(0, equals).toLowerCase(), word.slice(equals + 1)];
}
