import { type Logger, pino } from 'pino';

export type { Logger };

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Keeps the first character and the domain: `j***@example.com`. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskEmails(value);
  if (value instanceof Error) {
    // A masked copy of the same class, so pino's error serializer still names its type.
    const copy = Object.create(Object.getPrototypeOf(value)) as Error;
    Object.assign(copy, value, {
      message: maskEmails(value.message),
      stack: value.stack ? maskEmails(value.stack) : undefined,
    });
    return copy;
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));

  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskDeep(item, depth + 1);
  return out;
}

/**
 * The process logger. Every logged field passes through an e-mail mask, so an address
 * that slips into a log line (an error message quoting an event, say) is never whole.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskEmails(arg) : arg));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
