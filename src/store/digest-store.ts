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
        .set({ dirty: 1, last_event_at: now })
        .where('id', '=', id)
        .execute();
    });
  }

  async setRef(id: number, ref: string, nextUpdateAt: string): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ message_ref: ref, next_update_at: nextUpdateAt, dirty: 0 })
      .where('id', '=', id)
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

  async markUpdated(id: number, nextUpdateAt: string): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ dirty: 0, next_update_at: nextUpdateAt })
      .where('id', '=', id)
      .execute();
  }

  async markDirty(id: number): Promise<void> {
    await this.db.updateTable('digests').set({ dirty: 1 }).where('id', '=', id).execute();
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
  };
}
