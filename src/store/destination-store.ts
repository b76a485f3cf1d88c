import type { Kysely } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import type { Database, DestinationsTable } from './schema.js';

export interface DestinationState {
  adapter: string;
  target: string;
  brokenReason?: string;
  brokenAt?: string;
  blockedUntil?: string;
  oncall?: string;
}

/** Per-destination state shared by every replica: broken, rate-limited, on-call, pacing. */
export class DestinationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(destination: Destination): Promise<DestinationState | undefined> {
    const row = await this.db
      .selectFrom('destinations')
      .selectAll()
      .where('adapter', '=', destination.adapter)
      .where('target', '=', destination.target)
      .executeTakeFirst();
    return row ? toState(row) : undefined;
  }

  async broken(): Promise<DestinationState[]> {
    const rows = await this.db
      .selectFrom('destinations')
      .selectAll()
      .where('broken_reason', 'is not', null)
      .execute();
    return rows.map(toState);
  }

  async markBroken(destination: Destination, reason: string): Promise<void> {
    await this.upsert(destination, { broken_reason: reason, broken_at: new Date().toISOString() });
  }

  async clearBroken(destination: Destination): Promise<void> {
    await this.upsert(destination, { broken_reason: null, broken_at: null });
  }

  async blockUntil(destination: Destination, until: Date): Promise<void> {
    await this.upsert(destination, { blocked_until: until.toISOString() });
  }

  async setOncall(destination: Destination, oncall: string | null): Promise<void> {
    await this.upsert(destination, { oncall });
  }

  /**
   * Takes up to `wanted` send tokens from the destination's bucket (capacity `burst`,
   * refilled at `perSecond`), so replicas sharing the database share one pace.
   */
  async takeTokens(
    destination: Destination,
    wanted: number,
    pace: { burst: number; perSecond: number },
    now = new Date(),
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('destinations')
        .select(['tokens', 'refilled_at'])
        .where('adapter', '=', destination.adapter)
        .where('target', '=', destination.target)
        .$call((qb) => (this.forUpdate ? qb.forUpdate() : qb))
        .executeTakeFirst();

      const elapsed = row?.refilled_at ? (now.getTime() - Date.parse(row.refilled_at)) / 1000 : 0;
      const before = row?.tokens ?? pace.burst;
      const available = Math.min(pace.burst, before + Math.max(0, elapsed) * pace.perSecond);
      const taken = Math.max(0, Math.min(wanted, Math.floor(available)));

      const changes = { tokens: available - taken, refilled_at: now.toISOString() };
      await this.write(trx, destination, changes);
      return taken;
    });
  }

  /** Set by the PostgreSQL store, where concurrent replicas must lock the bucket row. */
  forUpdate = false;

  private async upsert(destination: Destination, changes: Partial<DestinationsTable>) {
    await this.write(this.db, destination, changes);
  }

  private async write(
    db: Kysely<Database>,
    destination: Destination,
    changes: Partial<DestinationsTable>,
  ): Promise<void> {
    const now = new Date().toISOString();
    await db
      .insertInto('destinations')
      .values({
        adapter: destination.adapter,
        target: destination.target,
        updated_at: now,
        ...changes,
      })
      .onConflict((oc) =>
        oc.columns(['adapter', 'target']).doUpdateSet({ ...changes, updated_at: now }),
      )
      .execute();
  }
}

function toState(row: DestinationsTable): DestinationState {
  return {
    adapter: row.adapter,
    target: row.target,
    brokenReason: row.broken_reason ?? undefined,
    brokenAt: row.broken_at ?? undefined,
    blockedUntil: row.blocked_until ?? undefined,
    oncall: row.oncall ?? undefined,
  };
}
