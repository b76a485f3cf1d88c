import type { EmnifyEvent } from '../events/emnify-event.js';
import { USER_DELETED } from '../events/event-catalogue.js';
import { deletedAccount, partyName } from '../messages/event-message.js';
import { type ListItem, message, type NeutralMessage, type Section } from '../messages/message.js';
import type { RecentResult } from '../store/recent-store.js';
import type { RecentCommand } from './parse-command.js';

export interface RecentEntry {
  id: string;
  kind: 'deleted' | 'verified';
  occurredAt: string;
  /** The deleted account, or the user who verified. */
  user: string;
  /** Who deleted; absent for verifications. */
  by?: string;
}

export interface RecentGroup {
  id: string | null;
  name: string | null;
  deleted: number;
  verified: number;
  entries: RecentEntry[];
}

/** The answer to `recent` as data; the CLI prints it with --json. */
export interface RecentReport {
  since: string;
  kinds: RecentCommand['kinds'];
  organisation: { id: string; name?: string } | null;
  total: number;
  shown: number;
  omitted: number;
  organisations: RecentGroup[];
}

export function toEntry(event: EmnifyEvent): RecentEntry {
  if (event.typeId === USER_DELETED) {
    const account = deletedAccount(event);
    return {
      id: event.id,
      kind: 'deleted',
      occurredAt: event.occurredAt,
      user: account?.username ?? account?.name ?? (account?.id ? `user ${account.id}` : 'unknown'),
      by: partyName(event.user) ?? 'unknown',
    };
  }
  return {
    id: event.id,
    kind: 'verified',
    occurredAt: event.occurredAt,
    user: partyName(event.user) ?? 'unknown',
  };
}

/** Groups the newest events per organisation, with the full counts of the window. */
export function buildRecentReport(
  command: RecentCommand,
  organisation: RecentReport['organisation'],
  result: RecentResult,
): RecentReport {
  const groups = new Map<string, RecentGroup>();
  const groupOf = (id: string | null, name: string | null) => {
    const key = id ?? '';
    let group = groups.get(key);
    if (!group) {
      group = { id, name, deleted: 0, verified: 0, entries: [] };
      groups.set(key, group);
    }
    return group;
  };

  // Events come newest first, so groups are ordered by their newest entry.
  for (const event of result.events) {
    const org = event.organisation;
    groupOf(org?.id ?? null, org?.name ?? null).entries.push(toEntry(event));
  }
  for (const count of result.counts) {
    const group = groupOf(count.organisationId, count.organisationName);
    if (count.typeId === USER_DELETED) group.deleted += count.count;
    else group.verified += count.count;
  }

  const total = result.counts.reduce((sum, count) => sum + count.count, 0);
  return {
    since: command.since,
    kinds: command.kinds,
    organisation,
    total,
    shown: result.events.length,
    omitted: total - result.events.length,
    organisations: [...groups.values()],
  };
}

/** Renders the report as a neutral message, honest about what the limit left out. */
export function recentMessage(command: RecentCommand, report: RecentReport): NeutralMessage {
  const what = kindWords(command.kinds);
  const where = report.organisation
    ? (report.organisation.name ?? `organisation ${report.organisation.id}`)
    : command.channelOnly
      ? "this channel's organisations"
      : 'all organisations';
  const window = /^\d{4}-/.test(command.sinceLabel)
    ? `since ${command.sinceLabel}`
    : `in the last ${command.sinceLabel}`;

  if (report.total === 0) {
    return message({
      title: `Recent ${what}`,
      summary: `No ${what} in ${where} ${window}.`,
      notes: [
        Date.now() - Date.parse(command.since) < 29 * 86_400_000
          ? 'Try a longer window, e.g. --since 30d.'
          : 'emnify keeps events for 30 days; older ones reach the bot only if it ' +
            'stored them then.',
      ],
    });
  }

  const sections: Section[] = report.organisations.map((group) => ({
    title: group.name ?? (group.id ? `Organisation ${group.id}` : 'No organisation'),
    subtitle: countWords(group, command.kinds),
    items: group.entries.map(toItem),
    omitted: group.deleted + group.verified - group.entries.length,
  }));

  const notes =
    report.omitted > 0
      ? [
          `Showing the newest ${report.shown} of ${report.total}; ${report.omitted} left out. ` +
            'Narrow with an organisation or --since, or raise --limit.',
        ]
      : [];

  return message({
    title: `Recent ${what}`,
    summary: `${report.total} ${what} in ${where} ${window}, newest first.`,
    sections,
    notes,
    fallback: `${report.total} ${what} in ${where} ${window}`,
  });
}

function toItem(entry: RecentEntry): ListItem {
  const text =
    entry.kind === 'deleted' ? `${entry.user} deleted by ${entry.by}` : `${entry.user} verified`;
  return { text, time: entry.occurredAt };
}

function kindWords(kinds: RecentCommand['kinds']): string {
  if (kinds.length === 2) return 'user deletions and verifications';
  return kinds[0] === 'deleted' ? 'user deletions' : 'user verifications';
}

function countWords(group: RecentGroup, kinds: RecentCommand['kinds']): string {
  const parts: string[] = [];
  if (kinds.includes('deleted')) parts.push(`${group.deleted} deleted`);
  if (kinds.includes('verified')) parts.push(`${group.verified} verified`);
  return parts.join(', ');
}
