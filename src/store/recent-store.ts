import type { Kysely } from 'kysely';
import type { EmnifyEvent } from '../events/emnify-event.js';
import type { Database } from './schema.js';

export interface RecentQuery {
  typeIds: number[];
  organisationId?: string;
  since: string;
  until?: string;
  limit: number;
}

export interface RecentCount {
  organisationId: string | null;
  organisationName: string | null;
  typeId: number;
  count: number;
}

export interface RecentResult {
  /** Newest first, at most `limit`. */
  events: EmnifyEvent[];
  /** Every match in the window, per organisation and type, including those cut by the limit. */
  counts: RecentCount[];
}

/** Answers the `recent` query from the events table and its (org, type, time) index. */
export class RecentStore {
  constructor(private readonly db: Kysely<Database>) {}

  async recent(query: RecentQuery): Promise<RecentResult> {
    const base = this.db
      .selectFrom('events')
      .where('type_id', 'in', query.typeIds)
      .where('occurred_at', '>=', query.since)
      .$if(query.until !== undefined, (qb) => qb.where('occurred_at', '<', query.until ?? ''))
      .$if(query.organisationId !== undefined, (qb) =>
        qb.where('org_id', '=', query.organisationId ?? ''),
      );

    const [rows, counts] = await Promise.all([
      base
        .select('payload')
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit)
        .execute(),
      base
        .select((eb) => [
          'org_id',
          'type_id',
          eb.fn.max('org_name').as('org_name'),
          eb.fn.countAll().as('n'),
        ])
        .groupBy(['org_id', 'type_id'])
        .execute(),
    ]);

    return {
      events: rows.map((row) => JSON.parse(row.payload) as EmnifyEvent),
      counts: counts.map((row) => ({
        organisationId: row.org_id,
        organisationName: row.org_name,
        typeId: row.type_id,
        // PostgreSQL returns COUNT(*) as a string, SQLite as a number.
        count: Number(row.n),
      })),
    };
  }
}
