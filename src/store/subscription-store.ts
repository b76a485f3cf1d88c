import type { Kysely } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import type { Database } from './schema.js';

/** What one destination asked to hear about: some types (or all), in one organisation or all. */
export interface Subscription {
  id: number;
  adapter: string;
  target: string;
  /** Type ids, or 'all'. */
  types: number[] | 'all';
  orgId?: string;
  orgName?: string;
}

export interface NewSubscription {
  destination: Destination;
  types: number[] | 'all';
  orgId?: string;
  orgName?: string;
  createdBy?: string;
}

/** Subscriptions per destination (Slack channel, Teams conversation). */
export class SubscriptionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async all(): Promise<Subscription[]> {
    const rows = await this.db.selectFrom('subscriptions').selectAll().orderBy('id').execute();
    return rows.map((row) => ({
      id: Number(row.id),
      adapter: row.adapter,
      target: row.target,
      types: row.types === '*' ? 'all' : row.types.split(',').map(Number),
      orgId: row.org_id ?? undefined,
      orgName: row.org_name ?? undefined,
    }));
  }

  async forDestination(destination: Destination): Promise<Subscription[]> {
    const all = await this.all();
    return all.filter((s) => s.adapter === destination.adapter && s.target === destination.target);
  }

  /** Adds a subscription unless the same one exists; returns false when it did. */
  async add(subscription: NewSubscription): Promise<boolean> {
    const types = encodeTypes(subscription.types);
    const existing = await this.forDestination(subscription.destination);
    const same = existing.some(
      (s) => encodeTypes(s.types) === types && (s.orgId ?? null) === (subscription.orgId ?? null),
    );
    if (same) return false;

    await this.db
      .insertInto('subscriptions')
      .values({
        adapter: subscription.destination.adapter,
        target: subscription.destination.target,
        types,
        org_id: subscription.orgId ?? null,
        org_name: subscription.orgName ?? null,
        created_by: subscription.createdBy ?? null,
        created_at: new Date().toISOString(),
      })
      .execute();
    return true;
  }

  /**
   * Removes the destination's subscriptions that match: all of them when no types and no
   * organisation are given. Returns how many were removed.
   */
  async remove(
    destination: Destination,
    types?: number[] | 'all',
    orgId?: string,
  ): Promise<number> {
    const result = await this.db
      .deleteFrom('subscriptions')
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .$if(types !== undefined, (qb) => qb.where('types', '=', encodeTypes(types ?? 'all')))
      .$if(orgId !== undefined, (qb) => qb.where('org_id', '=', orgId ?? ''))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function encodeTypes(types: number[] | 'all'): string {
  return types === 'all' ? '*' : [...new Set(types)].sort((a, b) => a - b).join(',');
}

/** True when the subscription wants this event. */
export function subscriptionMatches(
  subscription: Subscription,
  event: { typeId: number; organisation?: { id: string } },
): boolean {
  const typeOk = subscription.types === 'all' || subscription.types.includes(event.typeId);
  const orgOk = !subscription.orgId || subscription.orgId === event.organisation?.id;
  return typeOk && orgOk;
}
