import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import pg from 'pg';
import { BotError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
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
export async function openDatabase(url: string, log?: Logger): Promise<OpenDatabase> {
  try {
    return await open(url, log);
  } catch (error) {
    const reason = (error as Error).cause instanceof Error ? (error as Error).cause : error;
    throw new BotError(
      'store_unavailable',
      `DATABASE_URL: cannot open the store (${(reason as Error).message})`,
      { cause: error },
    );
  }
}

async function open(url: string, log?: Logger): Promise<OpenDatabase> {
  const dialect: Dialect = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  const db =
    dialect === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({ database: withStatementCache(openSqlite(url)) }),
        })
      : new Kysely<Database>({
          dialect: new PostgresDialect({ pool: postgresPool(url, log) }),
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

const CACHED_STATEMENTS = 100;

/**
 * Kysely's SQLite driver prepares every query anew; preparing a 500-row insert costs more
 * than running it. better-sqlite3 statements are reusable, so keep the recent ones.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();

  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        const oldest = cache.keys().next();
        if (cache.size >= CACHED_STATEMENTS && !oldest.done) cache.delete(oldest.value);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/**
 * A pool whose idle connections may be cut (a server restart, a failover) without taking the
 * process down: pg reports that as an 'error' event, fatal when nobody listens. The pool
 * drops the broken connection and opens a new one on the next query.
 */
function postgresPool(url: string, log?: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', (error) => {
    if (log) log.warn({ err: error }, 'postgres connection lost; the pool opens a new one');
    else process.emitWarning(`PostgreSQL connection lost: ${error.message}`);
  });
  return pool;
}
