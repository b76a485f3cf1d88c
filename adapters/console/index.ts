import type { Writable } from 'node:stream';
import type { Router } from 'express';
import type { ChatAdapter } from '../../src/delivery/chat-adapter.js';
import type { Destination } from '../../src/delivery/destination.js';
import type { NeutralMessage } from '../../src/messages/message.js';
import { renderForTerminal } from './render.js';

/**
 * Prints notifications to a terminal stream. `serve` uses it when no chat platform is
 * configured, so a local run shows what Slack or Teams would receive.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly name = 'console';
  private sequence = 0;

  constructor(private readonly out: Writable) {}

  readonly pace = { burst: 1000, perSecond: 1000 };

  async defaultDestinations(): Promise<Destination[]> {
    return [{ adapter: this.name, target: 'stdout' }];
  }

  async deliver(_target: string, message: NeutralMessage): Promise<string> {
    this.sequence += 1;
    await this.write(`${renderForTerminal(message)}\n\n`);
    return `console-${Date.now()}-${this.sequence}`;
  }

  async update(_target: string, ref: string, message: NeutralMessage): Promise<void> {
    await this.write(`(update of ${ref})\n${renderForTerminal(message)}\n\n`);
  }

  mount(_router: Router): void {
    // The terminal has no inbound HTTP route; its commands come from the CLI.
  }

  bindCommands(): void {
    // Same reason: `emnify-bot recent` calls the core directly.
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  private write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }
}
