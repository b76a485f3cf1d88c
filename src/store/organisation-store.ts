import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export interface Organisation {
  id: string;
  name?: string;
}

export type OrganisationMatch =
  | { kind: 'found'; organisation: Organisation }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: Organisation[] };

const MAX_CANDIDATES = 10;

/** Finds organisations by id, full name, or a part of the name that fits only one. */
export class OrganisationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async resolve(text: string): Promise<OrganisationMatch> {
    const wanted = text.trim();
    const folded = wanted.toLocaleLowerCase();
    const pattern = `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

    const rows = await this.db
      .selectFrom('organisations')
      .select(['id', 'name', 'name_folded'])
      .where((eb) =>
        eb.or([
          eb('id', '=', wanted),
          // SQLite's LIKE has no escape character unless one is named.
          sql<boolean>`${eb.ref('name_folded')} like ${pattern} escape '\\'`,
        ]),
      )
      .orderBy('name')
      .limit(200)
      .execute();

    const byId = rows.find((row) => row.id === wanted);
    const exact = rows.filter((row) => row.name_folded === folded);
    const pick = byId ? [byId] : exact.length > 0 ? exact : rows;

    if (pick.length === 0) return { kind: 'none' };
    const candidates = pick.map((row) => ({ id: row.id, name: row.name ?? undefined }));
    if (candidates.length === 1 && candidates[0]) {
      return { kind: 'found', organisation: candidates[0] };
    }
    return { kind: 'ambiguous', candidates: candidates.slice(0, MAX_CANDIDATES) };
  }
}
