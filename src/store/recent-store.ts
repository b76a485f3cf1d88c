import type { Kysely } from 'kysely';
import type { EmnifyEvent } from '../events/emnify-event.js';
import { chunks } from './event-store.js';
import type { Database } from './schema.js';

export interface RecentQuery {
  typeIds: number[];
  organisationId?: string;
  /** Only these organisations (a channel's visible ones). */
  organisationIds?: string[];
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
    // One newest-first read per type: each walks its (type, time) index range and stops at
    // the limit, where `type IN (…) ORDER BY time` would sort the whole window first.
    const [perType, counts] = await Promise.all([
      Promise.all(query.typeIds.map((typeId) => this.newest(query, typeId))),
      this.count(query),
    ]);

    const events = perType
      .flat()
      .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at) || b.id.localeCompare(a.id))
      .slice(0, query.limit)
      .map((row) => JSON.parse(row.payload) as EmnifyEvent);

    return {
      events,
      counts: counts.map((row) => ({
        organisationId: row.org_id,
        organisationName: row.org_name,
        typeId: row.type_id,
        // PostgreSQL returns COUNT(*) as a string, SQLite as a number.
        count: Number(row.n),
      })),
    };
  }

  private window(query: RecentQuery, typeIds: number[]) {
    return this.db
      .selectFrom('events')
      .where('type_id', 'in', typeIds)
      .where('occurred_at', '>=', query.since)
      .$if(query.until !== undefined, (qb) => qb.where('occurred_at', '<', query.until ?? ''))
      .$if(query.organisationId !== undefined, (qb) =>
        qb.where('org_id', '=', query.organisationId ?? ''),
      )
      .$if(query.organisationIds !== undefined, (qb) =>
        qb.where('org_id', 'in', query.organisationIds?.length ? query.organisationIds : ['']),
      );
  }

  private newest(query: RecentQuery, typeId: number) {
    return this.window(query, [typeId])
      .select(['id', 'occurred_at', 'payload'])
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
  }

  private async count(query: RecentQuery) {
    const counts = await this.window(query, query.typeIds)
      .select((eb) => ['org_id', 'type_id', eb.fn.countAll().as('n')])
      .groupBy(['org_id', 'type_id'])
      .execute();

    const ids = [...new Set(counts.map((row) => row.org_id).filter((id) => id !== null))];
    const names = new Map<string, string | null>();
    for (const chunk of chunks(ids, 500)) {
      const rows = await this.db
        .selectFrom('organisations')
        .select(['id', 'name'])
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) names.set(row.id, row.name);
    }
    return counts.map((row) => ({
      ...row,
      org_name: row.org_id ? (names.get(row.org_id) ?? null) : null,
    }));
  }
}
