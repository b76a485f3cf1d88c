import { setTimeout as sleep } from 'node:timers/promises';
import type { EmnifyEvent } from '../events/emnify-event.js';
import type { NeutralMessage } from '../messages/message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery, OutboxStore } from '../store/outbox-store.js';
import { type ChatAdapter, DeliveryError } from './chat-adapter.js';

export interface DeliveryWorkerOptions {
  outbox: OutboxStore;
  adapters: ChatAdapter[];
  loadEvent: (id: string) => Promise<EmnifyEvent | undefined>;
  render: (event: EmnifyEvent) => NeutralMessage;
  metrics: Metrics;
  log: Logger;
  /** Idle poll period; ingest also wakes the worker at once. */
  pollMs?: number;
  maxAttempts?: number;
  leaseMs?: number;
}

const BATCH = 20;

/**
 * Drains the outbox: claims due deliveries, hands each to its adapter, and settles it as
 * done, retried with exponential backoff and jitter, or dead.
 */
export class DeliveryWorker {
  private readonly adapters: Map<string, ChatAdapter>;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.adapters = new Map(options.adapters.map((adapter) => [adapter.name, adapter]));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for a pass now, e.g. right after ingest committed new deliveries. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Runs passes until nothing is due; for the CLI and tests. */
  async drain(): Promise<void> {
    while ((await this.pass()) > 0) {
      // keep going while there was work
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.pass();
      } catch (error) {
        this.options.log.error({ err: error }, 'delivery pass failed');
      }
      if (worked === 0 && this.running) await this.idle();
    }
  }

  private async idle(): Promise<void> {
    const controller = new AbortController();
    this.wake = () => controller.abort();
    await sleep(this.options.pollMs ?? 1000, undefined, { signal: controller.signal }).catch(
      () => undefined,
    );
    this.wake = undefined;
  }

  private async pass(): Promise<number> {
    const { outbox, leaseMs = 60_000 } = this.options;
    const claimed = await outbox.claimDue(BATCH, leaseMs);
    for (const delivery of claimed) await this.attempt(delivery);
    return claimed.length;
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const { outbox, metrics } = this.options;
    const log = this.options.log.child({ delivery: delivery.id, event: delivery.eventId });
    const adapter = this.adapters.get(delivery.adapter);

    try {
      if (!adapter) throw new DeliveryError(`adapter ${delivery.adapter} is not configured`);
      const event = await this.options.loadEvent(delivery.eventId);
      if (!event) throw new DeliveryError('event is missing from the store', { permanent: true });

      const ref = await adapter.deliver(delivery.target, this.options.render(event));
      await outbox.markDone(delivery.id, ref);
      metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'done' });
    } catch (error) {
      await this.settleFailure(delivery, error, log);
    }
  }

  private async settleFailure(delivery: Delivery, error: unknown, log: Logger): Promise<void> {
    const { outbox, metrics, maxAttempts = 10 } = this.options;
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof DeliveryError && error.permanent;

    if (permanent || delivery.attempts >= maxAttempts) {
      await outbox.markDead(delivery.id, reason);
      metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'dead' });
      log.error({ err: error, attempts: delivery.attempts }, 'delivery given up');
      return;
    }

    const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    const wait = retryAfter ?? backoffMs(delivery.attempts);
    await outbox.reschedule(delivery.id, reason, new Date(Date.now() + wait));
    metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'retry' });
    log.warn({ err: error, attempts: delivery.attempts, waitMs: wait }, 'delivery will be retried');
  }
}

/** Exponential backoff from one second, capped at five minutes, with full jitter on top. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}
