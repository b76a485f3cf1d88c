import { USER_DELETED, USER_VERIFIED } from '../events/event-catalogue.js';

/** Event types named in `subscribe`/`unsubscribe`: words, id lists, or everything. */
export type TypeSelection = number[] | 'all';

export type ManageCommand =
  | { name: 'subscribe' | 'unsubscribe'; types?: TypeSelection; organisation?: string }
  | { name: 'subscriptions' }
  | { name: 'oncall'; mention?: string; off: boolean }
  | { name: 'status' }
  | { name: 'retry'; all: boolean };

export const MANAGE_GRAMMAR = [
  'subscribe [deleted|verified|all|<type ids>] [<organisation>]',
  'unsubscribe [deleted|verified|all|<type ids>] [<organisation>]',
  'subscriptions',
  'oncall <@person or group> | oncall off',
  'status',
  'retry [all]',
];

const WORD_TYPES: Record<string, TypeSelection> = {
  deleted: [USER_DELETED],
  verified: [USER_VERIFIED],
  all: 'all',
};

/** Parses the management commands; undefined when the verb is not one of them. */
export function parseManage(
  verb: string,
  words: string[],
): { ok: true; command: ManageCommand } | { ok: false; problem: string } | undefined {
  if (verb === 'subscribe' || verb === 'unsubscribe') {
    const rest = [...words];
    const first = rest[0]?.toLowerCase() ?? '';
    let types: TypeSelection | undefined;
    if (first in WORD_TYPES) {
      types = WORD_TYPES[first];
      rest.shift();
    } else if (/^\d+(,\d+)*$/.test(first)) {
      types = first.split(',').map(Number);
      rest.shift();
    }
    const flag = rest.find((word) => word.startsWith('--'));
    if (flag) return { ok: false, problem: `${verb} takes no option "${flag}".` };
    return { ok: true, command: { name: verb, types, organisation: rest.join(' ') || undefined } };
  }

  if (verb === 'subscriptions') return { ok: true, command: { name: 'subscriptions' } };
  if (verb === 'status') return { ok: true, command: { name: 'status' } };
  if (verb === 'retry') {
    const all = words[0]?.toLowerCase() === 'all';
    return { ok: true, command: { name: 'retry', all } };
  }
  if (verb === 'oncall') {
    const text = words.join(' ').trim();
    if (/^(off|none|-)$/i.test(text)) return { ok: true, command: { name: 'oncall', off: true } };
    return { ok: true, command: { name: 'oncall', mention: text || undefined, off: false } };
  }
  return undefined;
}
