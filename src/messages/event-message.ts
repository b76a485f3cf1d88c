import type { EmnifyEvent, Party } from '../events/emnify-event.js';
import { eventTypeInfo, USER_DELETED, USER_VERIFIED } from '../events/event-catalogue.js';
import { describeDetail } from './describe-detail.js';
import { type Field, message, type NeutralMessage } from './message.js';

export interface MessageOptions {
  portalUrl: string;
}

/** Builds the chat message for any emnify event: a dedicated layout or the generic one. */
export function buildEventMessage(event: EmnifyEvent, options: MessageOptions): NeutralMessage {
  if (event.typeId === USER_DELETED) return userDeleted(event, options);
  if (event.typeId === USER_VERIFIED) return userVerified(event, options);
  return generic(event, options);
}

/** "Priya Raman (priya.raman@…)", or whichever half is known. */
export function partyName(party: Party | undefined): string | undefined {
  if (!party) return undefined;
  if (party.name && party.username && party.name !== party.username) {
    return `${party.name} (${party.username})`;
  }
  return party.name ?? party.username ?? (party.id ? `user ${party.id}` : undefined);
}

function orgName(event: EmnifyEvent): string {
  const org = event.organisation;
  if (!org) return 'an unknown organisation';
  return org.name ?? `organisation ${org.id}`;
}

/**
 * The account a type 46 event deleted (`detail.user`). `detail` is not validated by the
 * schema, so only plain strings and numbers are taken from it.
 */
export function deletedAccount(event: EmnifyEvent): Party | undefined {
  const detail = event.detail as { user?: unknown } | null | undefined;
  const user = detail?.user as Record<string, unknown> | null | undefined;
  if (!user || typeof user !== 'object') return undefined;
  return { id: scalar(user.id), username: scalar(user.username), name: scalar(user.name) };
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function userDeleted(event: EmnifyEvent, options: MessageOptions): NeutralMessage {
  const deleted = partyName(deletedAccount(event)) ?? 'an account';
  const actor = partyName(event.user) ?? 'someone';
  const org = orgName(event);

  return message({
    title: 'User deleted',
    severity: event.severity,
    summary: sentence(`${deleted} was deleted by ${actor} in ${org}`),
    fields: compactFields([
      ['Deleted account', deleted],
      ['Deleted by', actor],
      ['Organisation', org],
      ['Severity', severityWord(event)],
    ]),
    time: event.occurredAt,
    context: contextOf(event),
    links: [{ label: 'Open emnify Portal', url: options.portalUrl }],
    fallback: `User deleted in ${org}: ${deleted}, by ${actor}, at ${event.occurredAt}`,
  });
}

function userVerified(event: EmnifyEvent, options: MessageOptions): NeutralMessage {
  const who = partyName(event.user) ?? 'A user';
  const org = orgName(event);

  return message({
    title: 'User verified',
    severity: event.severity,
    summary: sentence(`${who} verified their e-mail address in ${org}`),
    fields: compactFields([
      ['User', who],
      ['Organisation', org],
    ]),
    time: event.occurredAt,
    context: contextOf(event),
    links: [{ label: 'Open emnify Portal', url: options.portalUrl }],
    fallback: `User verified in ${org}: ${who}, at ${event.occurredAt}`,
  });
}

function generic(event: EmnifyEvent, options: MessageOptions): NeutralMessage {
  const info = eventTypeInfo(event.typeId, event.typeDescription);
  const org = orgName(event);
  const endpoint = event.endpoint;
  const endpointName =
    endpoint && (endpoint.name ?? (endpoint.id ? `endpoint ${endpoint.id}` : ''));

  const fields = compactFields([
    ['Organisation', org],
    ['User', partyName(event.user)],
    [
      'Endpoint',
      endpointName && endpoint?.id ? `${endpointName} (id ${endpoint.id})` : endpointName,
    ],
    ['IP address', endpoint?.ipAddress],
    ['IMEI', endpoint?.imei],
    ['SIM ICCID', event.sim?.iccid],
    ['IMSI', event.imsi?.imsi],
    ['Severity', severityWord(event)],
    ...describeDetail(event.detail).map((f): [string, string] => [f.label, f.value]),
  ]);

  return message({
    title: info.label,
    severity: event.severity,
    summary: event.description?.trim() || sentence(`${info.label} in ${org}`),
    fields,
    time: event.occurredAt,
    context: contextOf(event),
    links: endpoint || event.sim ? [{ label: 'Open emnify Portal', url: options.portalUrl }] : [],
    fallback: `${info.label} in ${org}: ${event.description ?? ''} at ${event.occurredAt}`,
  });
}

function severityWord(event: EmnifyEvent): string {
  const word = { info: 'Info', warn: 'Warning', critical: 'Critical' }[event.severity];
  return event.alert ? `${word}, alert` : word;
}

function contextOf(event: EmnifyEvent): string[] {
  const info = eventTypeInfo(event.typeId, event.typeDescription);
  const org = event.organisation;
  return [
    org ? `${org.name ?? 'Organisation'} (${org.id})` : 'No organisation',
    `${info.label} (type ${event.typeId})`,
    `Event ${event.id}`,
  ];
}

function compactFields(pairs: Array<[string, string | undefined | null | false]>): Field[] {
  return pairs
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '')
    .map(([label, value]) => ({ label, value }));
}

/** Ends a sentence with one full stop: "Harborview Metering Inc." gets no second one. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
