import type { EmnifyEvent } from '../events/emnify-event.js';

/** Where one notification goes: an adapter name and that adapter's own target id. */
export interface Destination {
  adapter: string;
  target: string;
}

/** Decides which destinations an event is announced to. Called inside the store transaction. */
export type RouteEvent = (event: EmnifyEvent) => Destination[];

/**
 * The default route: every event whose type is in NOTIFY_EVENT_TYPES goes to each adapter's
 * default destinations.
 */
export function routeByType(
  notifyTypes: readonly number[],
  defaults: () => Destination[],
): RouteEvent {
  const wanted = new Set(notifyTypes);
  return (event) => (wanted.has(event.typeId) ? defaults() : []);
}
