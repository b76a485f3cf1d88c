import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Named leases in the store: work that only one replica may do at a time (the poller). A
 * holder renews its lease while it works; a lease not renewed expires, and another replica
 * takes it over.
 */
export class LeaseStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes or renews the lease; true when `holder` has it now. */
  async acquire(name: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    const expires = new Date(now.getTime() + ttlMs).toISOString();
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expires })
          .where((eb) =>
            eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', at)]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async holder(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('leases')
      .select(['holder', 'expires_at'])
      .where('name', '=', name)
      .executeTakeFirst();
    return row && row.expires_at > new Date().toISOString() ? row.holder : undefined;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }
}
