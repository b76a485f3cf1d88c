import type { Kysely, Selectable } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import type { EmnifyEvent } from '../events/emnify-event.js';
import type { Database, DigestsTable } from './schema.js';

export interface Digest {
  id: number;
  adapter: string;
  target: string;
  typeId: number;
  orgId: string | null;
  orgName: string | null;
  startedAt: string;
  lastEventAt: string;
  /** Events the digest stands for: those posted singly before it began, and those linked. */
  count: number;
  messageRef: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
  /** Grows with every link; an update is clean only for the version it rendered. */
  version: number;
}

type Kind = { typeId: number; orgId: string | null };

/** Digests: one message standing for a burst of events of one kind, updated in place. */
export class DigestStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The digest of this kind still collecting (its last event within the window), if any. */
  async open(destination: Destination, kind: Kind, since: string): Promise<Digest | undefined> {
    const row = await this.withTotal()
      .where('digests.adapter', '=', destination.adapter)
      .where('digests.target', '=', destination.target)
      .where('digests.type_id', '=', kind.typeId)
      .where((eb) =>
        kind.orgId === null
          ? eb('digests.org_id', 'is', null)
          : eb('digests.org_id', '=', kind.orgId),
      )
      .where('digests.last_event_at', '>=', since)
      .orderBy('digests.id', 'desc')
      .executeTakeFirst();
    return row ? toDigest(row) : undefined;
  }

  /**
   * The open digest of this kind, or a new one when `shouldStart` agrees. Replicas serialise
   * here on the destination's row, so one burst never gets two digests.
   */
  async openOrCreate(
    destination: Destination,
    kind: Kind & { orgName: string | null },
    since: string,
    shouldStart: () => Promise<number | undefined>,
    lockRows: boolean,
  ): Promise<Digest | undefined> {
    if (!lockRows) {
      // One process on SQLite: its work is serial already, and a transaction here would hold
      // the only connection that `shouldStart` needs.
      const open = await this.open(destination, kind, since);
      if (open) return open;
      const postedSingly = await shouldStart();
      return postedSingly === undefined
        ? undefined
        : this.create(destination, kind, postedSingly, new Date().toISOString());
    }

    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      await trx
        .insertInto('destinations')
        .values({ adapter: destination.adapter, target: destination.target, updated_at: now })
        .onConflict((oc) => oc.columns(['adapter', 'target']).doNothing())
        .execute();
      await trx
        .selectFrom('destinations')
        .select('adapter')
        .where('adapter', '=', destination.adapter)
        .where('target', '=', destination.target)
        .forUpdate()
        .execute();

      const inside = new DigestStore(trx);
      const open = await inside.open(destination, kind, since);
      if (open) return open;
      const postedSingly = await shouldStart();
      return postedSingly === undefined
        ? undefined
        : inside.create(destination, kind, postedSingly, now);
    });
  }

  /** Starts a digest; `postedSingly` counts the burst's events already posted one by one. */
  async create(
    destination: Destination,
    kind: Kind & { orgName: string | null },
    postedSingly: number,
    now: string,
  ): Promise<Digest> {
    const row = await this.db
      .insertInto('digests')
      .values({
        adapter: destination.adapter,
        target: destination.target,
        type_id: kind.typeId,
        org_id: kind.orgId,
        org_name: kind.orgName,
        started_at: now,
        last_event_at: now,
        count: postedSingly,
        message_ref: null,
        dirty: 0,
        next_update_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDigest({ ...row, linked: 0 });
  }

  /**
   * Links deliveries to a digest (they stay claimed until its message is posted) and marks
   * the message out of date. Linking twice is harmless: the count is derived, not added.
   */
  async link(id: number, deliveryIds: number[], now: string): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('outbox')
        .set({ digest_id: id })
        .where('id', 'in', deliveryIds)
        .execute();
      await trx
        .updateTable('digests')
        .set((eb) => ({ dirty: 1, last_event_at: now, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .execute();
    });
  }

  async setRef(id: number, ref: string, nextUpdateAt: string): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ message_ref: ref, next_update_at: nextUpdateAt })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Takes the right to post a digest's first message for `leaseMs`: true for one caller.
   * A poster that dies lets the lease run out, and another posts (at most once more).
   */
  async claimPost(id: number, leaseMs: number, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    const result = await this.db
      .updateTable('digests')
      .set({ posting_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', '=', id)
      .where('message_ref', 'is', null)
      .where((eb) => eb.or([eb('posting_until', 'is', null), eb('posting_until', '<', at)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releasePost(id: number): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ posting_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** Marks the digest's message current, unless events were linked after `version`. */
  async markShown(id: number, version: number): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ dirty: 0 })
      .where('id', '=', id)
      .where('version', '=', version)
      .execute();
  }

  /** Digests whose message is out of date and may be updated now. */
  async dueUpdates(now: string, limit = 20): Promise<Digest[]> {
    const rows = await this.withTotal()
      .where('digests.dirty', '=', 1)
      .where('digests.message_ref', 'is not', null)
      .where('digests.next_update_at', '<=', now)
      .orderBy('digests.next_update_at')
      .limit(limit)
      .execute();
    return rows.map(toDigest);
  }

  /**
   * Takes the next update of a digest: true for exactly one caller, even across replicas.
   * The digest stays out of date until an update shows its latest version (`markShown`), so
   * an update lost with a crashed replica is made again by another.
   */
  async claimUpdate(id: number, now: string, nextUpdateAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('digests')
      .set({ next_update_at: nextUpdateAt })
      .where('id', '=', id)
      .where('dirty', '=', 1)
      .where('next_update_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(id: number): Promise<Digest | undefined> {
    const row = await this.withTotal().where('digests.id', '=', id).executeTakeFirst();
    return row ? toDigest(row) : undefined;
  }

  /** The newest events of a digest, for its list. */
  async newestEvents(id: number, limit: number): Promise<EmnifyEvent[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .innerJoin('events', 'events.id', 'outbox.event_id')
      .select('events.payload')
      .where('outbox.digest_id', '=', id)
      .orderBy('events.occurred_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => JSON.parse(row.payload) as EmnifyEvent);
  }

  async acknowledge(id: number, by: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('digests')
      .set({ acked_by: by, acked_at: at })
      .where('id', '=', id)
      .where('acked_by', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // The linked deliveries are counted here rather than added up, so a link replayed after a
  // crash never counts an event twice.
  private withTotal() {
    return this.db
      .selectFrom('digests')
      .selectAll('digests')
      .select((eb) =>
        eb
          .selectFrom('outbox')
          .select(eb.fn.countAll().as('n'))
          .whereRef('outbox.digest_id', '=', 'digests.id')
          .as('linked'),
      );
  }
}

function toDigest(row: Selectable<DigestsTable> & { linked: unknown }): Digest {
  return {
    id: Number(row.id),
    adapter: row.adapter,
    target: row.target,
    typeId: Number(row.type_id),
    orgId: row.org_id,
    orgName: row.org_name,
    startedAt: row.started_at,
    lastEventAt: row.last_event_at,
    count: Number(row.count) + Number(row.linked ?? 0),
    messageRef: row.message_ref,
    ackedBy: row.acked_by,
    ackedAt: row.acked_at,
    version: Number(row.version),
  };
}
