import type { Kysely } from 'kysely';
import type { Destination } from '../delivery/destination.js';
import { type Delivery, toDelivery } from './outbox-store.js';
import type { Database } from './schema.js';

export interface DeadLetter extends Delivery {
  lastError: string | null;
  updatedAt: string;
}

/**
 * Deliveries after the worker is done with them: dead letters to list and send again, and
 * the "Acknowledge" record of a posted message.
 */
export class DeliveryRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async deadLetters(limit: number, destination?: Destination): Promise<DeadLetter[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'dead')
      .$if(destination !== undefined, (qb) =>
        qb
          .where('adapter', '=', destination?.adapter ?? '')
          .where('target', '=', destination?.target ?? ''),
      )
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      ...toDelivery(row),
      lastError: row.last_error,
      updatedAt: row.updated_at,
    }));
  }

  /** Puts dead deliveries back in the queue (of one destination, or all); returns how many. */
  async retryDead(destination?: Destination): Promise<number> {
    const result = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, next_attempt_at: new Date().toISOString() })
      .where('status', '=', 'dead')
      .$if(destination !== undefined, (qb) =>
        qb
          .where('adapter', '=', destination?.adapter ?? '')
          .where('target', '=', destination?.target ?? ''),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async getDelivery(
    id: number,
  ): Promise<
    | (Delivery & { ackedBy: string | null; ackedAt: string | null; messageRef: string | null })
    | undefined
  > {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? {
          ...toDelivery(row),
          ackedBy: row.acked_by,
          ackedAt: row.acked_at,
          messageRef: row.message_ref,
        }
      : undefined;
  }

  /** Records the first acknowledgement; false when someone was first already. */
  async acknowledge(id: number, by: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ acked_by: by, acked_at: at })
      .where('id', '=', id)
      .where('acked_by', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
