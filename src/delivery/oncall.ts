import type { NeutralMessage } from '../messages/message.js';
import { utcMinute } from '../messages/utc-minute.js';
import type { DestinationStore } from '../store/destination-store.js';
import type { Destination } from './destination.js';

/**
 * Adds the destination's on-call mention and an Acknowledge button (its value `ackKey`), or,
 * once acknowledged, a note saying by whom. Nothing when the destination has no on-call.
 */
export async function addOncall(
  destinations: DestinationStore,
  message: NeutralMessage,
  destination: Destination,
  ackKey: string,
  acked?: { by: string | null; at: string | null },
): Promise<void> {
  const state = await destinations.get(destination);
  if (!state?.oncall) return;
  if (acked?.by) {
    const when = acked.at ? utcMinute(acked.at) : 'an unknown time';
    message.notes.push(`Acknowledged by ${acked.by} at ${when}.`);
    return;
  }
  message.mention = state.oncall;
  message.actions.push({ id: 'ack', label: 'Acknowledge', value: ackKey, style: 'primary' });
}
