import type { EmnifyEvent } from '../events/emnify-event.js';

/** Where one notification goes: an adapter name and that adapter's own target id. */
export interface Destination {
  adapter: string;
  target: string;
}

/** Decides, for a batch of events, which destinations each is announced to (by event id). */
export type RouteEvents = (events: EmnifyEvent[]) => Promise<Map<string, Destination[]>>;

export function destinationKey(destination: Destination): string {
  return `${destination.adapter}\u0000${destination.target}`;
}

/** A route that sends events of the given types to fixed destinations; for tests and tools. */
export function routeByType(
  notifyTypes: readonly number[],
  defaults: () => Destination[],
): RouteEvents {
  const wanted = new Set(notifyTypes);
  return async (events) =>
    new Map(events.map((event) => [event.id, wanted.has(event.typeId) ? defaults() : []]));
}
