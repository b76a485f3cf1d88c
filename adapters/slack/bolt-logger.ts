import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/observability/logger.js';

/** Bolt and the Web API client log through this bridge into the bot's own pino logger. */
export function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : String(p)));

  return {
    debug: (...parts) => log.debug({ slack: text(parts) }, 'slack debug'),
    info: (...parts) => log.info({ slack: text(parts) }, 'slack info'),
    warn: (...parts) => log.warn({ slack: text(parts) }, 'slack warning'),
    error: (...parts) => log.error({ slack: text(parts) }, 'slack error'),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
