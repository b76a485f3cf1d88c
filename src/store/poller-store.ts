import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface PollerCursor {
  /** Every event before this time has been read (ISO UTC). */
  cursor: string;
  /** False until the first scan over the backfill window has finished. */
  backfilled: boolean;
}

/** Where each poller (one per application token) has read up to, kept across restarts. */
export class PollerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(key: string): Promise<PollerCursor | undefined> {
    const row = await this.db
      .selectFrom('poller_cursors')
      .select(['cursor', 'backfilled'])
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? { cursor: row.cursor, backfilled: row.backfilled === 1 } : undefined;
  }

  async save(key: string, state: PollerCursor): Promise<void> {
    const row = {
      key,
      cursor: state.cursor,
      backfilled: state.backfilled ? 1 : 0,
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('poller_cursors')
      .values(row)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          cursor: row.cursor,
          backfilled: row.backfilled,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }
}
