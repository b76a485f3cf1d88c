import type { Router } from 'express';
import type { CommandReply } from '../commands/run-command.js';
import type { NeutralMessage } from '../messages/message.js';
import type { AckHandler } from './acknowledge.js';
import type { Destination } from './destination.js';

/** Who asked, on which platform and where; adapters fill what they know. */
export interface CommandOrigin {
  platform: string;
  userId?: string;
  channelId?: string;
  /** Reads the platform's mention syntax (for `oncall`) into a value the adapter can render. */
  parseMention?: (text: string) => string | undefined;
}

/** The core's command entry, handed to every adapter. */
export type CommandHandler = (text: string, origin: CommandOrigin) => Promise<CommandReply>;

/** What the core offers adapters: commands, and "Acknowledge" clicks. */
export interface CoreHandlers {
  command: CommandHandler;
  acknowledge: AckHandler;
}

/**
 * The one interface every chat platform implements. Adapters verify, parse, acknowledge and
 * convert; everything else happens in the core.
 */
export interface ChatAdapter {
  /** Short, stable name stored in the outbox (`console`, `slack`, `teams`). */
  readonly name: string;
  /** Where notifications go when nothing more specific is configured. */
  defaultDestinations(): Promise<Destination[]>;
  /** Send rate per destination that keeps the platform from rate-limiting the bot. */
  readonly pace: { burst: number; perSecond: number };
  /** Posts a message; resolves with the platform's reference to it (Slack `ts`, Teams id). */
  deliver(target: string, message: NeutralMessage): Promise<string>;
  /** Replaces a message posted earlier. */
  update(target: string, ref: string, message: NeutralMessage): Promise<void>;
  /** Adds the adapter's HTTP routes to the bot's one server. */
  mount(router: Router): void;
  /** Connects the platform's commands and button clicks to the core. */
  bindCommands(handlers: CoreHandlers): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A failed delivery, as the adapter classifies it: `permanent` stops retries for that
 * destination; `retryAfterMs` is the platform's own wait (HTTP 429).
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { permanent?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
