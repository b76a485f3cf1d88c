import { z } from 'zod';
import { normaliseTimestamp } from './timestamp.js';

export type Severity = 'info' | 'warn' | 'critical';

// The schema only checks, except for the timestamp (read once, below). The other conversions
// (ids to decimal strings, nulls to undefined, 0/1 to booleans) happen once in toEmnifyEvent:
// on a 3000-record body a transform per field costs as much as all the checks together.

const MAX_ID = 18_446_744_073_709_551_615n;

/** An id as emnify sends it: a 64-bit integer, or its decimal string when beyond 2^53. */
const decimalId = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,20}$/, 'expected a decimal id')
    .refine((text) => !/^\d+$/.test(text) || BigInt(text) <= MAX_ID, 'id is beyond 64 bits'),
]);

/** The one spelling of an id: decimal digits without leading zeros ("0085" is 85). */
export function canonicalId(id: number | string): string {
  return typeof id === 'number' ? String(id) : BigInt(id).toString();
}
const optionalId = z.union([z.number(), z.string()]).nullish();
const text = z.string().nullish();

// The one conversion the schema makes: reading the time twice would cost more than the
// transform does.
const timestamp = z.string().transform((value, ctx) => {
  const iso = normaliseTimestamp(value);
  if (iso) return iso;
  ctx.addIssue({ code: 'custom', message: `unrecognised timestamp "${value.slice(0, 40)}"` });
  return z.NEVER;
});

const idAndText = z.looseObject({ id: optionalId, description: text, name: text });
const organisation = z.looseObject({ id: decimalId, name: text });
const user = z.looseObject({ id: optionalId, name: text, username: text });
const endpoint = z.looseObject({
  id: optionalId,
  name: text,
  imei: text,
  ip_address: text,
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
});
const sim = z.looseObject({ id: optionalId, iccid: text, msisdn: text });
const imsi = z.union([z.string(), z.looseObject({ id: optionalId, imsi: text })]);

// `alert` arrives as a boolean, or as 0/1 in legacy-looking events.
const alert = z.union([z.boolean(), z.number(), z.string()]).nullish();

/** The envelope of an emnify system event, as the Data Streamer and the REST API send it. */
export const emnifyEventSchema = z.looseObject({
  id: decimalId,
  timestamp,
  event_type: z.looseObject({ id: z.number().int().nonnegative(), description: text }),
  event_source: idAndText.nullish(),
  event_severity: idAndText.nullish(),
  alert,
  description: text,
  organisation: organisation.nullish(),
  user: user.nullish(),
  endpoint: endpoint.nullish(),
  sim: sim.nullish(),
  imsi: imsi.nullish(),
  detail: z.unknown().optional(),
});

type Envelope = z.output<typeof emnifyEventSchema>;

export interface Party {
  id?: string;
  name?: string;
  username?: string;
}

/** An emnify event after validation: ids as decimal strings, time as ISO UTC. */
export interface EmnifyEvent {
  id: string;
  typeId: number;
  typeDescription?: string;
  occurredAt: string;
  severity: Severity;
  source?: string;
  alert: boolean;
  description?: string;
  organisation?: { id: string; name?: string };
  user?: Party;
  endpoint?: { id?: string; name?: string; imei?: string; ipAddress?: string; tags?: string };
  sim?: { id?: string; iccid?: string; msisdn?: string };
  imsi?: { id?: string; imsi?: string };
  detail?: unknown;
}

/** Maps emnify's severity object (id 0/1/2, or only its text) onto our three levels. */
export function severityOf(
  value: { id?: unknown; description?: string | null } | undefined,
): Severity {
  const id = typeof value?.id === 'string' ? Number(value.id) : value?.id;
  if (id === 2) return 'critical';
  if (id === 1) return 'warn';
  if (id === 0) return 'info';

  const word = value?.description?.toLowerCase() ?? '';
  if (word.startsWith('crit')) return 'critical';
  if (word.startsWith('warn')) return 'warn';
  return 'info';
}

/** Turns a validated envelope into the event the rest of the bot works with. */
export function toEmnifyEvent(envelope: Envelope): EmnifyEvent {
  const { endpoint, imsi, sim, user, organisation } = envelope;
  const tags = Array.isArray(endpoint?.tags) ? endpoint.tags.join(', ') : endpoint?.tags;
  const source = envelope.event_source;

  return {
    id: canonicalId(envelope.id),
    typeId: envelope.event_type.id,
    typeDescription: envelope.event_type.description ?? undefined,
    occurredAt: envelope.timestamp,
    severity: severityOf(envelope.event_severity ?? undefined),
    source: source?.description ?? source?.name ?? undefined,
    alert: isAlert(envelope.alert),
    description: envelope.description ?? undefined,
    organisation: organisation
      ? { id: canonicalId(organisation.id), name: organisation.name ?? undefined }
      : undefined,
    user: user
      ? { id: idText(user.id), name: user.name ?? undefined, username: user.username ?? undefined }
      : undefined,
    endpoint: endpoint
      ? {
          id: idText(endpoint.id),
          name: endpoint.name ?? undefined,
          imei: endpoint.imei ?? undefined,
          ipAddress: endpoint.ip_address ?? undefined,
          tags: tags ?? undefined,
        }
      : undefined,
    sim: sim
      ? { id: idText(sim.id), iccid: sim.iccid ?? undefined, msisdn: sim.msisdn ?? undefined }
      : undefined,
    imsi: imsiOf(imsi),
    detail: envelope.detail ?? undefined,
  };
}

function isAlert(value: Envelope['alert']): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

function imsiOf(imsi: Envelope['imsi']): EmnifyEvent['imsi'] {
  if (typeof imsi === 'string') return { imsi };
  return imsi ? { id: idText(imsi.id), imsi: imsi.imsi ?? undefined } : undefined;
}

function idText(id: number | string | null | undefined): string | undefined {
  return id === null || id === undefined ? undefined : String(id);
}
