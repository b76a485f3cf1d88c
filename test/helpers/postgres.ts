import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use; CI makes sure one listens there. */
export const PG_BASE_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Creates an empty database for one test file and returns its URL. There is no silent skip:
 * when PostgreSQL cannot be reached, the error says so and the test fails.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `emnify_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: PG_BASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_BASE_URL} (set PG_TEST_URL): ${(error as Error).message}`,
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = new URL(PG_BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_BASE_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
