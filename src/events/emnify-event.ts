import { z } from 'zod';
import { normaliseTimestamp } from './timestamp.js';

export type Severity = 'info' | 'warn' | 'critical';

/** An id as emnify sends it (a 64-bit integer), kept as its exact decimal string. */
const decimalId = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, 'expected a decimal id')])
  .transform(String);

const optionalId = decimalId.nullish().transform((id) => id ?? undefined);
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const timestamp = z.string().transform((value, ctx) => {
  const iso = normaliseTimestamp(value);
  if (!iso) {
    ctx.addIssue({ code: 'custom', message: `unrecognised timestamp "${value.slice(0, 40)}"` });
    return z.NEVER;
  }
  return iso;
});

const idAndText = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  description: text,
  name: text,
});

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
const alert = z
  .union([z.boolean(), z.number(), z.string()])
  .nullish()
  .transform((value) => value === true || value === 1 || value === 'true' || value === '1');

const objectOrNull = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

/** The envelope of an emnify system event, as the Data Streamer and the REST API send it. */
export const emnifyEventSchema = z.looseObject({
  id: decimalId,
  timestamp,
  event_type: z.looseObject({ id: z.number().int().nonnegative(), description: text }),
  event_source: objectOrNull(idAndText),
  event_severity: objectOrNull(idAndText),
  alert,
  description: text,
  organisation: objectOrNull(organisation),
  user: objectOrNull(user),
  endpoint: objectOrNull(endpoint),
  sim: objectOrNull(sim),
  imsi: objectOrNull(imsi),
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
export function severityOf(value: { id?: unknown; description?: string } | undefined): Severity {
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
  const { endpoint, imsi } = envelope;
  const tags = Array.isArray(endpoint?.tags) ? endpoint.tags.join(', ') : endpoint?.tags;

  return {
    id: envelope.id,
    typeId: envelope.event_type.id,
    typeDescription: envelope.event_type.description,
    occurredAt: envelope.timestamp,
    severity: severityOf(envelope.event_severity),
    source: envelope.event_source?.description ?? envelope.event_source?.name,
    alert: envelope.alert,
    description: envelope.description,
    organisation: envelope.organisation,
    user: envelope.user && compact(envelope.user),
    endpoint: endpoint && {
      id: endpoint.id,
      name: endpoint.name,
      imei: endpoint.imei,
      ipAddress: endpoint.ip_address,
      tags: tags ?? undefined,
    },
    sim: envelope.sim && {
      id: envelope.sim.id,
      iccid: envelope.sim.iccid,
      msisdn: envelope.sim.msisdn,
    },
    imsi: typeof imsi === 'string' ? { imsi } : imsi && { id: imsi.id, imsi: imsi.imsi },
    detail: envelope.detail ?? undefined,
  };
}

function compact(party: { id?: string; name?: string; username?: string }): Party {
  return { id: party.id, name: party.name, username: party.username };
}
