import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../fixtures/emnify/', import.meta.url).pathname;

/** The raw text of a fixture file under test/fixtures/emnify. */
export function fixtureText(name: string): string {
  return readFileSync(join(ROOT, name), 'utf8');
}

/** Every per-type fixture event, by file name. */
export function fixtureEvents(): Array<{ file: string; text: string }> {
  return readdirSync(join(ROOT, 'events'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, text: fixtureText(`events/${file}`) }));
}
