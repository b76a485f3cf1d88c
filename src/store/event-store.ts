import type { Kysely, Transaction } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import type { EmnifyEvent } from '../events/emnify-event.js';
import type { Database, EventsTable } from './schema.js';

// SQLite allows 32,766 bound values per statement; nine columns a row stays well below.
const ROWS_PER_INSERT = 500;

export interface Quarantined {
  reason: string;
  record: string;
}

export interface StoreBatchResult {
  /** Ids of events that were new to the store, in the order given. */
  storedIds: string[];
  deliveries: number;
}

/** Events, organisations and quarantine, written together with the outbox they cause. */
export class EventStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores the new events, the quarantined records and one outbox row per event and
   * destination, in one transaction. Events already stored are left alone and announce
   * nothing, so a redelivered id is one event.
   */
  async storeBatch(
    events: EmnifyEvent[],
    quarantined: Quarantined[],
    routes: Map<string, Destination[]>,
    /** Each event already serialised, when the caller has it. */
    payloads?: Map<string, string>,
  ): Promise<StoreBatchResult> {
    const now = new Date().toISOString();

    return this.db.transaction().execute(async (trx) => {
      const storedIds = await insertEvents(trx, events, now, payloads);
      await upsertOrganisations(trx, events, now);
      if (quarantined.length > 0) {
        const rows = quarantined.map((q) => ({ ...q, received_at: now }));
        for (const chunk of chunks(rows, ROWS_PER_INSERT)) {
          await trx.insertInto('quarantine').values(chunk).execute();
        }
      }

      const stored = new Set(storedIds);
      const deliveries = events
        .filter((event) => stored.has(event.id))
        .flatMap((event) => (routes.get(event.id) ?? []).map((to) => ({ event, to })))
        .map(({ event, to }) => ({
          event_id: event.id,
          adapter: to.adapter,
          target: to.target,
          type_id: event.typeId,
          org_id: event.organisation?.id ?? null,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        }));
      for (const chunk of chunks(deliveries, ROWS_PER_INSERT)) {
        await trx
          .insertInto('outbox')
          .values(chunk)
          .onConflict((oc) => oc.doNothing())
          .execute();
      }

      return { storedIds, deliveries: deliveries.length };
    });
  }

  /** Reads back one stored event. */
  async getEvent(id: string): Promise<EmnifyEvent | undefined> {
    const row = await this.db
      .selectFrom('events')
      .select('payload')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.payload) as EmnifyEvent) : undefined;
  }

  async countQuarantined(): Promise<number> {
    const row = await this.db
      .selectFrom('quarantine')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

async function insertEvents(
  trx: Transaction<Database>,
  events: EmnifyEvent[],
  now: string,
  payloads?: Map<string, string>,
): Promise<string[]> {
  const storedIds: string[] = [];
  const rows = events.map((event) => toRow(event, now, payloads?.get(event.id)));
  for (const chunk of chunks(rows, ROWS_PER_INSERT)) {
    const inserted = await trx
      .insertInto('events')
      .values(chunk)
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const row of inserted) storedIds.push(row.id);
  }
  return storedIds;
}

async function upsertOrganisations(trx: Transaction<Database>, events: EmnifyEvent[], now: string) {
  const named = new Map<string, string | undefined>();
  for (const event of events) {
    if (event.organisation) named.set(event.organisation.id, event.organisation.name);
  }

  const rows = [...named].map(([id, name]) => ({
    id,
    name: name ?? null,
    name_folded: name?.toLocaleLowerCase() ?? null,
    updated_at: now,
  }));
  for (const chunk of chunks(rows, ROWS_PER_INSERT)) {
    await trx
      .insertInto('organisations')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.fn.coalesce('excluded.name', 'organisations.name'),
          name_folded: eb.fn.coalesce('excluded.name_folded', 'organisations.name_folded'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

function toRow(event: EmnifyEvent, now: string, payload?: string): EventsTable {
  return {
    id: event.id,
    type_id: event.typeId,
    occurred_at: event.occurredAt,
    severity: event.severity,
    alert: event.alert ? 1 : 0,
    org_id: event.organisation?.id ?? null,
    org_name: event.organisation?.name ?? null,
    payload: payload ?? JSON.stringify(event),
    received_at: now,
  };
}

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
