import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { Bot, renderReplyForTerminal, terminalJson } from '../app.js';
import { parseCommandWords } from '../commands/parse-command.js';
import { runRecent } from '../commands/run-command.js';
import { isLoopbackHost, loadConfig } from '../config/load-config.js';
import { BotError } from '../errors.js';
import { parseRecords } from '../events/parse-body.js';
import { ingestRecords } from '../ingest/ingest.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { OrganisationStore } from '../store/organisation-store.js';
import { RecentStore } from '../store/recent-store.js';

const USAGE = `Usage:
  emnify-bot serve
  emnify-bot recent [deleted|verified] [--org <name or id>] [--since <24h|7d|ISO date>]
                    [--limit <n>] [--json]
  emnify-bot replay <file.json>
  emnify-bot poll --once`;

async function main(argv: string[]): Promise<number> {
  dotenv.config({ quiet: true });
  const [command, ...rest] = argv;

  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }

  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel, process.stderr);
  if (command === 'serve')
    return serve(await Bot.create({ config, log, out: process.stdout }), log);

  // `recent` only reads the store; `replay` delivers like the server would.
  const adapters = command === 'recent' ? [] : undefined;
  const bot = await Bot.create({ config, log, out: process.stdout, adapters });
  try {
    if (command === 'recent') return await recent(bot, rest);
    if (command === 'replay') return await replay(bot, rest, log);
    if (command === 'poll') return await pollOnce(bot, rest);
    process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
    return 2;
  } finally {
    await bot.stop();
  }
}

async function serve(bot: Bot, log: Logger): Promise<number> {
  const { config } = bot;
  const server = await bot.start().catch(async (error: unknown) => {
    await bot.stop();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ host: config.host, port, adapters: bot.adapters.map((a) => a.name) }, 'listening');
  if (!config.webhookToken && isLoopbackHost(config.host)) {
    log.warn(
      'EMNIFY_WEBHOOK_TOKEN is not set: the webhook accepts anyone, so only loopback is served',
    );
  }

  return new Promise((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      bot.stop().then(
        () => resolve(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
}

async function recent(bot: Bot, args: string[]): Promise<number> {
  const parsed = cliArgs(args, {
    org: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (!parsed) return 2;
  const { values, positionals } = parsed;

  const words = ['recent', ...positionals];
  if (values.org !== undefined) words.push('--org', values.org);
  if (values.since !== undefined) words.push('--since', values.since);
  if (values.limit !== undefined) words.push('--limit', values.limit);

  const command = parseCommandWords(words);
  if (!command.ok || command.command.name !== 'recent' || command.command.public) {
    const problem = command.ok ? 'the command line takes the options below' : command.problem;
    process.stderr.write(`emnify-bot recent: ${problem}\n${USAGE}\n`);
    return 2;
  }

  const reply = await runRecent(command.command, {
    organisations: new OrganisationStore(bot.db),
    recent: new RecentStore(bot.db),
  });
  if (!reply.report) {
    process.stderr.write(`${renderReplyForTerminal(reply)}\n`);
    return 1;
  }
  const output = values.json ? terminalJson(reply.report) : renderReplyForTerminal(reply);
  process.stdout.write(`${output}\n`);
  return 0;
}

type ArgOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** parseArgs, with its errors turned into one line and the usage instead of a stack trace. */
function cliArgs<T extends ArgOptions>(args: string[], options: T) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    process.stderr.write(`emnify-bot: ${argumentProblem(error)}\n${USAGE}\n`);
    return undefined;
  }
}

/** parseArgs speaks to programmers; say the same thing to the person at the terminal. */
function argumentProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^']*)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option "${option}"`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return `option "${option.split(' ')[0]}" needs a value (or takes none)`;
  }
  return message.split('\n')[0] ?? 'bad arguments';
}

async function replay(bot: Bot, args: string[], log: Logger): Promise<number> {
  const [file] = args;
  if (!file) {
    process.stderr.write(`replay needs a file.\n${USAGE}\n`);
    return 2;
  }

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    process.stderr.write(`emnify-bot replay: cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const records = parseRecords(text);
  const result = await ingestRecords(records, bot.ingestDeps, log, 'replay');
  await bot.startAdapters();
  await bot.worker.drain();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

async function pollOnce(bot: Bot, args: string[]): Promise<number> {
  if (!args.includes('--once')) {
    process.stderr.write('poll runs one scan and exits: emnify-bot poll --once\n');
    return 2;
  }
  if (bot.pollers.length === 0) {
    process.stderr.write('poll needs EMNIFY_APPLICATION_TOKEN (see the README, "Pull mode").\n');
    return 2;
  }

  await bot.startAdapters();
  let failed = false;
  for (const poller of bot.pollers) {
    try {
      const summary = await poller.pollOnce();
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`emnify-bot: poll failed: ${(error as Error).message}\n`);
    }
  }
  await bot.worker.drain();
  return failed ? 1 : 0;
}

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.stack : reason}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text = error instanceof BotError ? error.message : (error as Error)?.stack;
    process.stderr.write(`emnify-bot: ${text ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
