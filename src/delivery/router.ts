import type { DestinationStore } from '../store/destination-store.js';
import {
  type Subscription,
  type SubscriptionStore,
  subscriptionMatches,
} from '../store/subscription-store.js';
import { type Destination, destinationKey, type RouteEvents } from './destination.js';

export interface RouterOptions {
  /** NOTIFY_EVENT_TYPES: what the default destinations get. */
  notifyTypes: readonly number[];
  subscriptions: SubscriptionStore;
  destinations: DestinationStore;
  /** SLACK_DEFAULT_CHANNEL, installed Teams conversations, the terminal. */
  defaults: () => Promise<Destination[]>;
}

/**
 * Routes each event to every destination whose subscriptions want it, and to the default
 * destinations that have no subscriptions of their own when its type is in
 * NOTIFY_EVENT_TYPES. Broken destinations get nothing until repaired. State is read from the
 * store once per batch, so every replica routes alike.
 */
export function createRouter(options: RouterOptions): RouteEvents {
  const notify = new Set(options.notifyTypes);

  return async (events) => {
    const [subscriptions, broken, defaults] = await Promise.all([
      options.subscriptions.all(),
      options.destinations.broken(),
      options.defaults(),
    ]);

    const byDestination = new Map<string, { destination: Destination; list: Subscription[] }>();
    for (const s of subscriptions) {
      const key = destinationKey(s);
      const entry = byDestination.get(key) ?? {
        destination: { adapter: s.adapter, target: s.target },
        list: [],
      };
      entry.list.push(s);
      byDestination.set(key, entry);
    }

    const brokenKeys = new Set(broken.map(destinationKey));
    const plainDefaults = defaults.filter((d) => !byDestination.has(destinationKey(d)));
    const routes = new Map<string, Destination[]>();

    for (const event of events) {
      const targets: Destination[] = [];
      for (const { destination, list } of byDestination.values()) {
        if (list.some((s) => subscriptionMatches(s, event))) targets.push(destination);
      }
      if (notify.has(event.typeId)) targets.push(...plainDefaults);
      routes.set(
        event.id,
        targets.filter((d) => !brokenKeys.has(destinationKey(d))),
      );
    }
    return routes;
  };
}
