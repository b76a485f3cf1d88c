import {
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';
import type { Dialect } from './database.js';

// Versioned, append-only: a released migration is never edited, a change is a new entry.
function migrations(dialect: Dialect): Record<string, Migration> {
  // An auto-numbered key: bigserial on PostgreSQL, INTEGER PRIMARY KEY AUTOINCREMENT on SQLite.
  const idColumn = (table: CreateTableBuilder<string, never>) =>
    dialect === 'postgres'
      ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    '0001-events-outbox': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('type_id', 'integer', (c) => c.notNull())
          .addColumn('occurred_at', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('alert', 'integer', (c) => c.notNull())
          .addColumn('org_id', 'text')
          .addColumn('org_name', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('received_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('events_org_type_time')
          .on('events')
          .columns(['org_id', 'type_id', 'occurred_at'])
          .execute();
        await db.schema
          .createIndex('events_type_time')
          .on('events')
          // org_id last: the per-organisation counts of `recent` read only this index.
          .columns(['type_id', 'occurred_at', 'org_id'])
          .execute();

        await db.schema
          .createTable('organisations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text')
          .addColumn('name_folded', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('quarantine')
          .$call(idColumn)
          .addColumn('received_at', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('outbox')
          .$call(idColumn)
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('adapter', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('last_error', 'text')
          .addColumn('message_ref', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('outbox_once', ['event_id', 'adapter', 'target'])
          .execute();
        await db.schema
          .createIndex('outbox_due')
          .on('outbox')
          .columns(['status', 'next_attempt_at'])
          .execute();
      },
    },
    '0002-conversations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('conversations')
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('tenant_id', 'text')
          .addColumn('kind', 'text')
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('inactive_reason', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('conversations_pk', ['platform', 'id'])
          .execute();
      },
    },
    '0003-poller-cursors': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('poller_cursors')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('cursor', 'text', (c) => c.notNull())
          .addColumn('backfilled', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0005-leases': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('holder', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0004-routing-and-digests': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('subscriptions')
          .$call(idColumn)
          .addColumn('adapter', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          // Comma-separated type ids, or '*' for every type.
          .addColumn('types', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text')
          .addColumn('org_name', 'text')
          .addColumn('created_by', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('subscriptions_destination')
          .on('subscriptions')
          .columns(['adapter', 'target'])
          .execute();

        await db.schema
          .createTable('destinations')
          .addColumn('adapter', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('broken_reason', 'text')
          .addColumn('broken_at', 'text')
          .addColumn('blocked_until', 'text')
          .addColumn('oncall', 'text')
          .addColumn('tokens', 'real')
          .addColumn('refilled_at', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('destinations_pk', ['adapter', 'target'])
          .execute();

        await db.schema
          .createTable('digests')
          .$call(idColumn)
          .addColumn('adapter', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('type_id', 'integer', (c) => c.notNull())
          .addColumn('org_id', 'text')
          .addColumn('org_name', 'text')
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('last_event_at', 'text', (c) => c.notNull())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addColumn('message_ref', 'text')
          .addColumn('dirty', 'integer', (c) => c.notNull())
          // Bumped by every link: an update marks the digest clean only for what it showed.
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
          // Who posts the first message: one replica at a time, taken over when it dies.
          .addColumn('posting_until', 'text')
          .addColumn('next_update_at', 'text', (c) => c.notNull())
          .addColumn('acked_by', 'text')
          .addColumn('acked_at', 'text')
          .execute();
        await db.schema
          .createIndex('digests_open')
          .on('digests')
          .columns(['adapter', 'target', 'type_id', 'org_id', 'last_event_at'])
          .execute();

        await db.schema.alterTable('outbox').addColumn('digest_id', 'integer').execute();
        await db.schema.alterTable('outbox').addColumn('delivered_at', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('type_id', 'integer').execute();
        await db.schema.alterTable('outbox').addColumn('org_id', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('acked_by', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('acked_at', 'text').execute();
        await db.schema
          .createIndex('outbox_destination_kind')
          .on('outbox')
          .columns(['adapter', 'target', 'type_id', 'org_id', 'status'])
          .execute();
      },
    },
  };
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/** Brings the schema up to the newest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InlineProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed`, { cause: error });
  }
}

/** True when the database answers a trivial query. */
export async function databaseAnswers(db: Kysely<unknown>): Promise<boolean> {
  await sql`select 1`.execute(db);
  return true;
}
