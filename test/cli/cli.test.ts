import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tempDatabaseUrl } from '../helpers/test-bot.js';

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: tempDatabaseUrl(), LOG_LEVEL: 'silent', ...env },
    timeout: 30_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('emnify-bot command line', () => {
  it.each([
    [['recent', '--bogus'], /unknown option "--bogus"/],
    [['recent', '--limit'], /--limit/],
    [['recent', 'deleted', '--public'], /unknown option "--public"/],
    [['recent', '--since', '-5d'], /--since/],
    [['recent', '--since', '9999999999999999999999h'], /--since takes a duration/],
    [['replay', '/nonexistent.json'], /cannot read \/nonexistent\.json/],
    [['replay', '/tmp'], /cannot read \/tmp/],
  ])('answers %j with a clear line and no stack trace', (args, message) => {
    const { code, err } = cli(args);
    expect(code).not.toBe(0);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('stops with one line naming the variable for a bad setting', () => {
    const { code, err } = cli(['recent'], { PORT: 'abc' });
    expect(code).toBe(1);
    expect(err.trim()).toMatch(/^emnify-bot: PORT: /);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('names DATABASE_URL when the store cannot be opened', () => {
    const { code, err } = cli(['recent'], { DATABASE_URL: 'sqlite:/etc/passwd' });
    expect(code).toBe(1);
    expect(err).toMatch(/^emnify-bot: DATABASE_URL: cannot open the store/);
  });

  it('exits with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as { port: number }).port);
    const { code, err } = cli(['serve'], { PORT: port });
    blocker.close();
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`HOST/PORT: 127.0.0.1:${port} is already in use`));
  });
});
