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
  count: number;
  messageRef: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
}

/** Digests: one message standing for a burst of events of one kind, updated in place. */
export class DigestStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The digest of this kind still collecting (its last event within the window), if any. */
  async open(
    destination: Destination,
    kind: { typeId: number; orgId: string | null },
    since: string,
  ): Promise<Digest | undefined> {
    const row = await this.db
      .selectFrom('digests')
      .selectAll()
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .where('type_id', '=', kind.typeId)
      .where((eb) =>
        kind.orgId === null ? eb('org_id', 'is', null) : eb('org_id', '=', kind.orgId),
      )
      .where('last_event_at', '>=', since)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? toDigest(row) : undefined;
  }

  async create(
    destination: Destination,
    kind: { typeId: number; orgId: string | null; orgName: string | null },
    count: number,
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
        count,
        message_ref: null,
        dirty: 0,
        next_update_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDigest(row);
  }

  async setRef(id: number, ref: string, nextUpdateAt: string): Promise<void> {
    await this.db
      .updateTable('digests')
      .set({ message_ref: ref, next_update_at: nextUpdateAt })
      .where('id', '=', id)
      .execute();
  }

  /** Counts more events into a digest and marks its message for an update. */
  async grow(id: number, added: number, now: string): Promise<void> {
    await this.db
      .updateTable('digests')
      .set((eb) => ({ count: eb('count', '+', added), last_event_at: now, dirty: 1 }))
      .where('id', '=', id)
      .execute();
  }

  /** Digests whose message is out of date and may be updated now. */
  async dueUpdates(now: string, limit = 20): Promise<Digest[]> {
    const rows = await this.db
      .selectFrom('digests')
      .selectAll()
      .where('dirty', '=', 1)
      .where('message_ref', 'is not', null)
      .where('next_update_at', '<=', now)
      .orderBy('next_update_at')
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

  async get(id: number): Promise<Digest | undefined> {
    const row = await this.db
      .selectFrom('digests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
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
}

function toDigest(row: Selectable<DigestsTable>): Digest {
  return {
    id: Number(row.id),
    adapter: row.adapter,
    target: row.target,
    typeId: Number(row.type_id),
    orgId: row.org_id,
    orgName: row.org_name,
    startedAt: row.started_at,
    lastEventAt: row.last_event_at,
    count: Number(row.count),
    messageRef: row.message_ref,
    ackedBy: row.acked_by,
    ackedAt: row.acked_at,
  };
}
