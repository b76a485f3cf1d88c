// Builds the Teams app package: manifest.json with this bot's ids, plus its two icons, zipped.
//   npm run teams:package -- --app-id <MicrosoftAppId> --domain <bot host> [--out <file.zip>]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';

const HERE = dirname(new URL(import.meta.url).pathname);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PackageOptions {
  appId: string;
  domain: string;
  version?: string;
}

/** The manifest with the bot's app id and host filled in. */
export async function buildManifest(options: PackageOptions): Promise<Record<string, unknown>> {
  if (!GUID.test(options.appId)) {
    throw new Error(`--app-id must be the bot's Microsoft App ID (a GUID), not "${options.appId}"`);
  }
  const host = options.domain.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const template = await readFile(join(HERE, 'manifest.json'), 'utf8');
  const manifest = JSON.parse(template.replaceAll('bot.example.com', host)) as {
    id: string;
    version: string;
    bots: Array<{ botId: string }>;
  };

  manifest.id = options.appId;
  for (const bot of manifest.bots) bot.botId = options.appId;
  if (options.version) manifest.version = options.version;
  return manifest;
}

/** The zip Teams accepts for upload: manifest and icons at its root. */
export async function buildPackage(options: PackageOptions): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(await buildManifest(options), null, 2));
  for (const icon of ['color.png', 'outline.png']) {
    zip.file(icon, await readFile(join(HERE, 'app-package', icon)));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'app-id': { type: 'string', default: process.env.MicrosoftAppId },
      domain: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string', default: 'build/emnify-teams-app.zip' },
    },
  });
  if (!values['app-id'] || !values.domain) {
    process.stderr.write('usage: npm run teams:package -- --app-id <GUID> --domain <bot host>\n');
    process.exitCode = 2;
    return;
  }

  const zip = await buildPackage({
    appId: values['app-id'],
    domain: values.domain,
    version: values.version,
  });
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, zip);
  process.stdout.write(`wrote ${values.out} (${zip.length} bytes)\n`);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`teams:package: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
