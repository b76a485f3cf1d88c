import type { Destination } from '../delivery/destination.js';
import { eventTypeInfo } from '../events/event-catalogue.js';
import { message, type NeutralMessage, type Section } from '../messages/message.js';
import type { DeliveryRecords } from '../store/delivery-records.js';
import type { DestinationStore } from '../store/destination-store.js';
import type { OrganisationStore } from '../store/organisation-store.js';
import type { OutboxStore } from '../store/outbox-store.js';
import type { Subscription, SubscriptionStore } from '../store/subscription-store.js';
import type { ManageCommand, TypeSelection } from './parse-manage.js';

/** What a command from a chat channel knows about where it came from and who asked. */
export interface ChatCommandContext {
  destination: Destination;
  userId?: string;
  isAdmin: boolean;
  /** The setting that lists admins on this platform, to name it in refusals. */
  adminSetting: string;
  subscriptions: SubscriptionStore;
  destinations: DestinationStore;
  outbox: OutboxStore;
  records: DeliveryRecords;
  organisations: OrganisationStore;
  /** Turns the platform's mention syntax into the value stored as on-call. */
  parseMention?: (text: string) => string | undefined;
  /** Whether this destination gets NOTIFY_EVENT_TYPES when it has no subscriptions. */
  isDefault: boolean;
  /** Extra lines for `status`, e.g. the pollers' health. */
  health?: () => Promise<string[]>;
}

const CHANGES = new Set(['subscribe', 'unsubscribe', 'oncall', 'retry']);

/** Runs subscribe, unsubscribe, subscriptions, oncall, status and retry for one channel. */
export async function runManage(
  command: ManageCommand,
  chat: ChatCommandContext | undefined,
): Promise<NeutralMessage> {
  if (!chat)
    return reply('Not here', `"${command.name}" works in a Slack channel or a Teams chat.`);

  const changing =
    CHANGES.has(command.name) && !(command.name === 'oncall' && !command.mention && !command.off);
  if (changing && !chat.isAdmin) {
    return reply(
      'Not allowed',
      `Only admins may change this channel's settings. An operator adds your user id ` +
        `(${chat.userId ?? 'unknown'}) to ${chat.adminSetting}.`,
      'warn',
    );
  }

  switch (command.name) {
    case 'subscribe':
      return subscribe(command.types, command.organisation, chat);
    case 'unsubscribe':
      return unsubscribe(command.types, command.organisation, chat);
    case 'subscriptions':
      return listSubscriptions(chat);
    case 'oncall':
      return oncall(command, chat);
    case 'status':
      return status(chat);
    case 'retry':
      return retry(command.all, chat);
  }
}

async function subscribe(
  types: TypeSelection | undefined,
  organisation: string | undefined,
  chat: ChatCommandContext,
): Promise<NeutralMessage> {
  const org = await resolveOrg(organisation, chat);
  if (typeof org === 'string') return reply('Unknown organisation', org);

  const selection = types ?? [41, 46];
  const added = await chat.subscriptions.add({
    destination: chat.destination,
    types: selection,
    orgId: org?.id,
    orgName: org?.name,
    createdBy: chat.userId,
  });
  // A channel someone repairs and subscribes again should work again.
  await chat.destinations.clearBroken(chat.destination);
  const where = org ? (org.name ?? org.id) : 'every organisation';
  const what = `${describeTypes(selection)} in ${where}`;
  return reply(
    added ? 'Subscribed' : 'Already subscribed',
    added ? `This channel now gets ${what}.` : `This channel already gets ${what}.`,
  );
}

async function unsubscribe(
  types: TypeSelection | undefined,
  organisation: string | undefined,
  chat: ChatCommandContext,
): Promise<NeutralMessage> {
  const org = await resolveOrg(organisation, chat);
  if (typeof org === 'string') return reply('Unknown organisation', org);

  const removed = await chat.subscriptions.remove(chat.destination, types, org?.id);
  const left = await chat.subscriptions.forDestination(chat.destination);
  const after =
    left.length > 0
      ? `${left.length} subscription(s) left.`
      : chat.isDefault
        ? 'None left: this channel gets the default notifications again.'
        : 'None left: this channel gets no notifications.';
  return reply(removed > 0 ? 'Unsubscribed' : 'Nothing to remove', `Removed ${removed}. ${after}`);
}

async function listSubscriptions(chat: ChatCommandContext): Promise<NeutralMessage> {
  const [list, state] = await Promise.all([
    chat.subscriptions.forDestination(chat.destination),
    chat.destinations.get(chat.destination),
  ]);
  const summary =
    list.length > 0
      ? `This channel has ${list.length} subscription(s).`
      : chat.isDefault
        ? 'No subscriptions of its own: this channel gets the default notifications ' +
          '(NOTIFY_EVENT_TYPES).'
        : 'No subscriptions: this channel gets no notifications. Try "subscribe deleted".';

  const fields = [
    {
      label: 'On-call',
      value: state?.oncall ? 'set (mentioned on warnings, alerts and deletion digests)' : 'none',
    },
  ];
  if (state?.brokenReason)
    fields.push({ label: 'Broken', value: `${state.brokenReason} (since ${state.brokenAt})` });

  return message({
    title: 'Subscriptions',
    summary,
    fields,
    sections:
      list.length > 0
        ? [{ title: 'This channel gets', items: list.map((s) => ({ text: describe(s) })) }]
        : [],
  });
}

async function oncall(
  command: Extract<ManageCommand, { name: 'oncall' }>,
  chat: ChatCommandContext,
): Promise<NeutralMessage> {
  if (command.off) {
    await chat.destinations.setOncall(chat.destination, null);
    return reply('On-call off', 'Nobody is mentioned in this channel any more.');
  }
  if (!command.mention) {
    const state = await chat.destinations.get(chat.destination);
    return reply(
      'On-call',
      state?.oncall
        ? 'An on-call mention is set for this channel.'
        : 'No on-call is set. Use "oncall @person".',
    );
  }

  const stored = chat.parseMention?.(command.mention);
  if (!stored) {
    return reply(
      'Who is on call?',
      'Mention a person or a group, e.g. "oncall @jana" or "oncall @ops-oncall".',
      'warn',
    );
  }
  await chat.destinations.setOncall(chat.destination, stored);
  return reply(
    'On-call set',
    'Warnings, alerts and digests of deletions in this channel will mention them.',
  );
}

async function status(chat: ChatCommandContext): Promise<NeutralMessage> {
  const [stats, broken, dead, health] = await Promise.all([
    chat.outbox.stats(),
    chat.destinations.broken(),
    chat.records.deadLetters(10),
    chat.health?.() ?? Promise.resolve([]),
  ]);
  const count = (status: string) => String(stats.byStatus[status] ?? 0);
  const sections: Section[] = [];
  if (broken.length > 0) {
    sections.push({
      title: 'Broken destinations',
      items: broken.map((d) => ({
        text: `${d.adapter} ${d.target}: ${d.brokenReason}`,
        time: d.brokenAt,
      })),
    });
  }
  if (dead.length > 0) {
    sections.push({
      title: 'Dead letters (newest)',
      items: dead.map((d) => ({
        text: `event ${d.eventId} to ${d.adapter} ${d.target}: ${d.lastError ?? 'failed'}`,
        time: d.updatedAt,
      })),
      omitted: Math.max(0, Number(count('dead')) - dead.length),
    });
  }
  if (health.length > 0)
    sections.push({ title: 'Pull mode', items: health.map((text) => ({ text })) });

  return message({
    title: 'Delivery status',
    severity: broken.length > 0 || dead.length > 0 ? 'warn' : 'info',
    summary:
      broken.length > 0 || dead.length > 0
        ? 'Some deliveries need attention; "retry" sends dead letters again.'
        : 'Everything is flowing.',
    fields: [
      { label: 'Pending', value: count('pending') },
      { label: 'Sending', value: count('sending') },
      { label: 'Delivered', value: count('done') },
      { label: 'Dead letters', value: count('dead') },
      { label: 'Oldest due', value: `${Math.round(stats.oldestDueMs / 1000)} s` },
    ],
    sections,
  });
}

async function retry(all: boolean, chat: ChatCommandContext): Promise<NeutralMessage> {
  if (!all) await chat.destinations.clearBroken(chat.destination);
  const count = await chat.records.retryDead(all ? undefined : chat.destination);
  if (all) for (const d of await chat.destinations.broken()) await chat.destinations.clearBroken(d);
  return reply(
    'Retrying',
    `${count} dead letter(s) ${all ? 'of every channel' : 'of this channel'} are queued again.`,
  );
}

async function resolveOrg(
  text: string | undefined,
  chat: ChatCommandContext,
): Promise<{ id: string; name?: string } | undefined | string> {
  if (!text) return undefined;
  const match = await chat.organisations.resolve(text);
  if (match.kind === 'found') return match.organisation;
  // An id is taken as it is: a channel may subscribe before that organisation's first event.
  if (match.kind === 'none' && /^\d{1,20}$/.test(text.trim())) return { id: text.trim() };
  if (match.kind === 'none') return `No organisation matches "${text}".`;
  const names = match.candidates.map((c) => `${c.name ?? 'unnamed'} (${c.id})`).join(', ');
  return `"${text}" matches several organisations: ${names}. Name one.`;
}

function describeTypes(types: TypeSelection): string {
  if (types === 'all') return 'every event type';
  return types.map((id) => eventTypeInfo(id).label.toLowerCase()).join(', ');
}

function describe(subscription: Subscription): string {
  const where = subscription.orgId
    ? (subscription.orgName ?? subscription.orgId)
    : 'every organisation';
  return `${describeTypes(subscription.types)} in ${where}`;
}

function reply(title: string, summary: string, severity: 'info' | 'warn' = 'info'): NeutralMessage {
  return message({ title, summary, severity });
}
