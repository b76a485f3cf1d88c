import { toEntry } from '../commands/recent-reply.js';
import type { EmnifyEvent } from '../events/emnify-event.js';
import { eventTypeInfo, USER_DELETED, USER_VERIFIED } from '../events/event-catalogue.js';
import type { Digest } from '../store/digest-store.js';
import { type ListItem, message, type NeutralMessage } from './message.js';

export const DIGEST_LIST_LENGTH = 10;

function what(typeId: number, count: number): string {
  const many = count !== 1;
  if (typeId === USER_DELETED) return many ? 'users deleted' : 'user deleted';
  if (typeId === USER_VERIFIED) return many ? 'users verified' : 'user verified';
  return `× ${eventTypeInfo(typeId).label}`;
}

/**
 * One message for a burst: "23 users deleted in Nordwind Logistik GmbH in the last 5
 * minutes", the newest entries listed and the rest counted.
 */
export function buildDigestMessage(
  digest: Digest,
  newest: EmnifyEvent[],
  windowMs: number,
): NeutralMessage {
  const span = Math.max(windowMs, Date.parse(digest.lastEventAt) - Date.parse(digest.startedAt));
  const minutes = Math.max(1, Math.round(span / 60_000));
  const org = digest.orgName ?? (digest.orgId ? `organisation ${digest.orgId}` : 'no organisation');
  const headline = `${digest.count} ${what(digest.typeId, digest.count)}`;
  const summary = `${headline} in ${org} in the last ${minutes} minutes.`;

  const items: ListItem[] = newest.slice(0, DIGEST_LIST_LENGTH).map((event) => {
    const entry = toEntry(event);
    const text =
      event.typeId === USER_DELETED
        ? `${entry.user} deleted by ${entry.by}`
        : event.typeId === USER_VERIFIED
          ? `${entry.user} verified`
          : (event.description ?? eventTypeInfo(event.typeId).label);
    return { text, time: event.occurredAt };
  });

  const worst = newest.some((e) => e.severity === 'critical')
    ? 'critical'
    : newest.some((e) => e.severity === 'warn') || digest.typeId === USER_DELETED
      ? 'warn'
      : 'info';

  return message({
    title: headline,
    severity: worst,
    summary,
    sections: [
      {
        title: 'Newest first',
        items,
        omitted: Math.max(0, digest.count - items.length),
      },
    ],
    context: [
      digest.orgId ? `${org} (${digest.orgId})` : org,
      `${eventTypeInfo(digest.typeId).label} (type ${digest.typeId})`,
      `Digest ${digest.id}, updated while the burst lasts`,
    ],
    notes: ['Every event of the burst is stored: ask "recent" for the full list.'],
    fallback: summary,
  });
}
