import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ManifestUtil } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildPackage } from '../../../adapters/teams/package-app.js';

const APP_ID = '2f1e3d4c-5b6a-4789-9abc-def012345678';
const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');

/** The schema of the manifest version the manifest declares, as the package ships it. */
// The package's generic schema types do not fit a schema read from disk; the call is the same.
const validate = ManifestUtil.validateManifestAgainstSchema.bind(ManifestUtil) as (
  manifest: unknown,
  schema: unknown,
) => Promise<string[]>;

function schemaFor(manifest: { manifestVersion: string }): unknown {
  const file = join(SCHEMAS, `v${manifest.manifestVersion}`, 'MicrosoftTeams.schema.json');
  // The same clean-up the package applies to schemas it downloads (an invalid regex escape).
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\x07'));
}

function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('Teams app package', () => {
  it('zips a manifest that validates against the schema of the version it declares', async () => {
    const zip = await JSZip.loadAsync(
      await buildPackage({ appId: APP_ID, domain: 'bot.acme.example' }),
    );
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '{}');
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    const failures = await validate(manifest, schemaFor(manifest));
    expect(failures).toEqual([]);

    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(manifest.bots[0].scopes).toEqual(['team', 'groupChat', 'personal']);
    expect(
      manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title),
    ).toEqual(['recent', 'help']);
    expect(manifest.validDomains).toEqual(['bot.acme.example']);
  });

  it('ships a 192-pixel colour icon and a 32-pixel outline icon', async () => {
    const zip = await JSZip.loadAsync(await buildPackage({ appId: APP_ID, domain: 'x.example' }));
    const color = await zip.file('color.png')?.async('nodebuffer');
    const outline = await zip.file('outline.png')?.async('nodebuffer');
    expect(color && pngSize(color)).toEqual([192, 192]);
    expect(outline && pngSize(outline)).toEqual([32, 32]);
  });

  it('refuses an app id that is not a GUID', async () => {
    await expect(buildPackage({ appId: 'my-bot', domain: 'x.example' })).rejects.toThrow(/GUID/);
  });

  it('fails validation for a manifest that breaks the schema, so the check can fail', async () => {
    const zip = await JSZip.loadAsync(await buildPackage({ appId: APP_ID, domain: 'x.example' }));
    const manifest = JSON.parse((await zip.file('manifest.json')?.async('string')) ?? '{}');
    delete manifest.developer;
    manifest.bots[0].scopes = ['everywhere'];
    const failures = await validate(manifest, schemaFor(manifest));
    expect(failures.length).toBeGreaterThan(0);
  });
});
