import type { Kysely, Updateable } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import type { Dialect } from './database.js';
import { chunks } from './event-store.js';
import type { Database } from './schema.js';

export interface Delivery {
  id: number;
  eventId: string;
  adapter: string;
  target: string;
  attempts: number;
  typeId: number | null;
  orgId: string | null;
  createdAt: string;
}

export interface OutboxStats {
  byStatus: Record<string, number>;
  /** Age of the oldest delivery that is due but not taken, in ms; 0 when none waits. */
  oldestDueMs: number;
}

type Row = Database['outbox'];
type Kind = { typeId: number | null; orgId: string | null };

/** The outbox of deliveries: claimed with a lease, then settled. */
export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Destinations with due work, leaving out those a 429 still holds back. */
  async dueDestinations(limit: number, now = new Date()): Promise<Destination[]> {
    const at = now.toISOString();
    const rows = await this.db
      .selectFrom('outbox as o')
      .leftJoin('destinations as d', (join) =>
        join.onRef('d.adapter', '=', 'o.adapter').onRef('d.target', '=', 'o.target'),
      )
      .select(['o.adapter', 'o.target'])
      .where((eb) => this.due(eb, at, 'o'))
      .where((eb) => eb.or([eb('d.blocked_until', 'is', null), eb('d.blocked_until', '<=', at)]))
      .groupBy(['o.adapter', 'o.target'])
      .orderBy((eb) => eb.fn.min('o.id'))
      .limit(limit)
      .execute();
    return rows.map((row) => ({ adapter: row.adapter, target: row.target }));
  }

  /**
   * Claims up to `limit` due deliveries of one destination for `leaseMs`. A delivery whose
   * lease ran out (its worker died) is due again, so a crash loses nothing.
   */
  async claim(
    destination: Destination,
    limit: number,
    leaseMs: number,
    kind?: { typeId: number | null; orgId: string | null },
    now = new Date(),
  ): Promise<Delivery[]> {
    const at = now.toISOString();
    const due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .where((eb) => this.due(eb, at))
      .$if(kind !== undefined, (qb) =>
        qb
          .where((eb) =>
            kind?.typeId === null
              ? eb('type_id', 'is', null)
              : eb('type_id', '=', kind?.typeId ?? 0),
          )
          .where((eb) =>
            kind?.orgId === null ? eb('org_id', 'is', null) : eb('org_id', '=', kind?.orgId ?? ''),
          ),
      )
      .orderBy('id')
      .limit(limit)
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());

    const rows = await this.db
      .updateTable('outbox')
      .set({
        status: 'sending',
        lease_until: new Date(now.getTime() + leaseMs).toISOString(),
        updated_at: at,
      })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  async markDone(id: number, messageRef: string, digestId?: number): Promise<void> {
    const now = new Date().toISOString();
    await this.settle(id, {
      status: 'done',
      message_ref: messageRef,
      last_error: null,
      digest_id: digestId ?? null,
      delivered_at: now,
    });
  }

  async markDoneMany(ids: number[], messageRef: string, digestId: number): Promise<void> {
    const now = new Date().toISOString();
    for (const chunk of chunks(ids, 500)) {
      await this.db
        .updateTable('outbox')
        .set({
          status: 'done',
          message_ref: messageRef,
          last_error: null,
          digest_id: digestId,
          delivered_at: now,
          lease_until: null,
          updated_at: now,
        })
        .where('id', 'in', chunk)
        .execute();
    }
  }

  async releaseMany(ids: number[], at: Date): Promise<void> {
    for (const chunk of chunks(ids, 500)) {
      await this.db
        .updateTable('outbox')
        .set({ status: 'pending', next_attempt_at: at.toISOString(), lease_until: null })
        .where('id', 'in', chunk)
        .where('status', '=', 'sending')
        .execute();
    }
  }

  /** Deliveries of one kind for a destination that wait to be sent. */
  async countWaiting(destination: Destination, kind: Kind): Promise<number> {
    const row = await this.ofKind(destination, kind)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One destination's deliveries of one kind: an event type in one organisation. */
  private ofKind(destination: Destination, kind: Kind) {
    return this.db
      .selectFrom('outbox')
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .where((eb) =>
        kind.typeId === null ? eb('type_id', 'is', null) : eb('type_id', '=', kind.typeId),
      )
      .where((eb) =>
        kind.orgId === null ? eb('org_id', 'is', null) : eb('org_id', '=', kind.orgId),
      );
  }

  /**
   * Puts a claimed delivery back, e.g. when the pace allows no more sends just now. Only a
   * delivery still claimed goes back: one settled meanwhile (a broken destination) stays so.
   */
  async release(id: number, at: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'pending',
        next_attempt_at: at.toISOString(),
        lease_until: null,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async reschedule(id: number, attempts: number, error: string, at: Date): Promise<void> {
    await this.settle(id, {
      status: 'pending',
      attempts,
      last_error: error,
      next_attempt_at: at.toISOString(),
    });
  }

  async markDead(id: number, attempts: number, error: string): Promise<void> {
    await this.settle(id, { status: 'dead', attempts, last_error: error });
  }

  /** Holds back every pending delivery of a destination until `until` (a 429's wait). */
  async deferDestination(destination: Destination, until: Date): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ next_attempt_at: until.toISOString(), updated_at: new Date().toISOString() })
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<', until.toISOString())
      .execute();
  }

  /** Gives up every open delivery of a destination that cannot be reached any more. */
  async killDestination(destination: Destination, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'dead',
        last_error: reason,
        lease_until: null,
        updated_at: new Date().toISOString(),
      })
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .where('status', 'in', ['pending', 'sending'])
      .execute();
  }

  /** Deliveries of one kind posted one by one since `since`: the start of a possible burst. */
  async countRecentSingles(destination: Destination, kind: Kind, since: string): Promise<number> {
    const row = await this.ofKind(destination, kind)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'done')
      .where('digest_id', 'is', null)
      .where('delivered_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async stats(now = new Date()): Promise<OutboxStats> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    return {
      byStatus: Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])),
      oldestDueMs: await this.oldestDueMs(now),
    };
  }

  /**
   * How long the oldest due delivery has waited, in ms (0 when none). Read from the
   * (status, next_attempt_at) index, so readiness checks stay cheap however large the
   * outbox grows.
   */
  async oldestDueMs(now = new Date()): Promise<number> {
    const oldest = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now.toISOString())
      .executeTakeFirst();
    const at = oldest?.at ? Date.parse(String(oldest.at)) : Number.NaN;
    return Number.isNaN(at) ? 0 : Math.max(0, now.getTime() - at);
  }

  async countByStatus(): Promise<Record<string, number>> {
    return (await this.stats()).byStatus;
  }

  // biome-ignore lint/suspicious/noExplicitAny: kysely's expression builder type per table alias
  private due(eb: any, at: string, table?: string) {
    const col = (name: string) => (table ? `${table}.${name}` : name);
    return eb.or([
      eb.and([eb(col('status'), '=', 'pending'), eb(col('next_attempt_at'), '<=', at)]),
      eb.and([eb(col('status'), '=', 'sending'), eb(col('lease_until'), '<=', at)]),
    ]);
  }

  private async settle(id: number, changes: Updateable<Row>): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ ...changes, lease_until: null, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }
}

export function toDelivery(row: {
  id: number;
  event_id: string;
  adapter: string;
  target: string;
  attempts: number;
  type_id: number | null;
  org_id: string | null;
  created_at: string;
}): Delivery {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    adapter: row.adapter,
    target: row.target,
    attempts: Number(row.attempts),
    typeId: row.type_id === null ? null : Number(row.type_id),
    orgId: row.org_id,
    createdAt: row.created_at,
  };
}
