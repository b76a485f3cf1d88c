import type { Kysely, Updateable } from 'kysely';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';

export interface Delivery {
  id: number;
  eventId: string;
  adapter: string;
  target: string;
  attempts: number;
}

/** The outbox of pending deliveries: claimed with a lease, then settled. */
export class OutboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Claims due deliveries for `leaseMs`. A delivery whose lease ran out (its worker died)
   * is due again, so a crash between claiming and posting loses nothing.
   */
  async claimDue(limit: number, leaseMs: number, now = new Date()): Promise<Delivery[]> {
    const at = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();

    const due = this.db
      .selectFrom('outbox')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', at)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', at)]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());

    const rows = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'sending',
        lease_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: at,
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();

    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map(toDelivery);
  }

  async markDone(id: number, messageRef: string): Promise<void> {
    await this.settle(id, { status: 'done', message_ref: messageRef, last_error: null });
  }

  async reschedule(id: number, error: string, nextAttemptAt: Date): Promise<void> {
    await this.settle(id, {
      status: 'pending',
      last_error: error,
      next_attempt_at: nextAttemptAt.toISOString(),
    });
  }

  async markDead(id: number, error: string): Promise<void> {
    await this.settle(id, { status: 'dead', last_error: error });
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  private async settle(id: number, changes: Updateable<Database['outbox']>): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ ...changes, lease_until: null, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }
}

function toDelivery(row: {
  id: number;
  event_id: string;
  adapter: string;
  target: string;
  attempts: number;
}): Delivery {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    adapter: row.adapter,
    target: row.target,
    attempts: row.attempts,
  };
}
