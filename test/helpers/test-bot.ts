import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Bot } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import type { ChatAdapter } from '../../src/delivery/chat-adapter.js';
import { createLogger } from '../../src/observability/logger.js';

export interface TestBot {
  bot: Bot;
  url: string;
  config: Config;
  /** Everything the console adapter printed so far. */
  printed(): string;
  stop(): Promise<void>;
}

/** A temporary SQLite path, fresh for each call. */
export function tempDatabaseUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'emnify-bot-')), 'bot.sqlite')}`;
}

/** Starts a real bot on a loopback port with its own SQLite file. */
export async function startTestBot(
  env: Record<string, string> = {},
  adapters?: ChatAdapter[],
): Promise<TestBot> {
  const config = loadConfig({ DATABASE_URL: tempDatabaseUrl(), PORT: '0', ...env });
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });

  const log = createLogger('silent');
  const bot = await Bot.create({ config, log, out, adapters, workerPollMs: 50 });
  const server = await bot.start();
  const { port } = server.address() as AddressInfo;

  return {
    bot,
    config,
    url: `http://127.0.0.1:${port}`,
    printed: () => text,
    stop: () => bot.stop(),
  };
}

/** Waits until `check` passes or the time is up; returns its last result. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw lastError;
}
