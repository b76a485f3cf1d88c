import type { EmnifyEvent } from '../events/emnify-event.js';
import { buildDigestMessage } from '../messages/digest-message.js';
import type { NeutralMessage } from '../messages/message.js';
import { utcMinute } from '../messages/utc-minute.js';
import type { DeliveryRecords } from '../store/delivery-records.js';
import type { DigestStore } from '../store/digest-store.js';

export interface AckResult {
  status: 'acknowledged' | 'already' | 'unknown';
  by?: string;
  at?: string;
  /** The message as it should read now: no mention, no button, who acknowledged. */
  message?: NeutralMessage;
}

/** Records an "Acknowledge" click; `key` is the button's value, `who` the clicker's name. */
export type AckHandler = (key: string, who: string) => Promise<AckResult>;

export interface AcknowledgerOptions {
  records: DeliveryRecords;
  digests: DigestStore;
  loadEvent: (id: string) => Promise<EmnifyEvent | undefined>;
  render: (event: EmnifyEvent) => NeutralMessage;
  digestWindowMs: number;
}

/**
 * The first click wins, even across replicas (a conditional update); later clicks learn who
 * was first.
 */
export function createAcknowledger(options: AcknowledgerOptions): AckHandler {
  return async (key, who) => {
    const [kind, rawId] = key.split(':');
    const id = Number(rawId);
    if (!Number.isInteger(id)) return { status: 'unknown' };
    const at = new Date().toISOString();

    if (kind === 'd') {
      const first = await options.digests.acknowledge(id, who, at);
      const digest = await options.digests.get(id);
      if (!digest) return { status: 'unknown' };
      const newest = await options.digests.newestEvents(id, 10);
      const message = buildDigestMessage(digest, newest, options.digestWindowMs);
      return settled(first, digest.ackedBy, digest.ackedAt, message);
    }

    if (kind === 'o') {
      const first = await options.records.acknowledge(id, who, at);
      const delivery = await options.records.getDelivery(id);
      const event = delivery && (await options.loadEvent(delivery.eventId));
      if (!delivery || !event) return { status: 'unknown' };
      return settled(first, delivery.ackedBy, delivery.ackedAt, options.render(event));
    }
    return { status: 'unknown' };
  };
}

function settled(
  first: boolean,
  by: string | null,
  at: string | null,
  message: NeutralMessage,
): AckResult {
  const when = at ? utcMinute(at) : 'just now';
  message.notes.push(`Acknowledged by ${by ?? 'someone'} at ${when}.`);
  return {
    status: first ? 'acknowledged' : 'already',
    by: by ?? undefined,
    at: at ?? undefined,
    message,
  };
}
