import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the store named by DATABASE_URL (`sqlite:<path>`, `sqlite::memory:` or
 * `postgres://…`) and migrates it to the newest schema.
 */
export async function openDatabase(url: string): Promise<OpenDatabase> {
  const dialect: Dialect = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const db =
    dialect === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(url) }) })
      : new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }),
        });

  await migrateToLatest(db as Kysely<unknown>, dialect);
  return { db, dialect, close: () => db.destroy() };
}

function openSqlite(url: string): SQLite.Database {
  const path = url.slice('sqlite:'.length);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // FULL: a webhook is answered only after its transaction is on disk.
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  return database;
}
