import { setTimeout as sleep } from 'node:timers/promises';
import type { EmnifyEvent } from '../events/emnify-event.js';
import type { NeutralMessage } from '../messages/message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { DestinationStore } from '../store/destination-store.js';
import type { DigestStore } from '../store/digest-store.js';
import type { Delivery, OutboxStore } from '../store/outbox-store.js';
import { backoffMs } from './backoff.js';
import { type ChatAdapter, DeliveryError } from './chat-adapter.js';
import type { Destination } from './destination.js';
import { type DeliveryKind, DigestDelivery } from './digest-delivery.js';
import { addOncall } from './oncall.js';

export interface DeliveryPolicy {
  /** More events than this of one kind, for one organisation and destination, make a digest. */
  digestThreshold: number;
  /** How long a burst may pause and still count as one. */
  digestWindowMs: number;
  /** How often a digest's message may be updated. */
  digestUpdateMs: number;
  maxAttempts: number;
  leaseMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  digestThreshold: 5,
  digestWindowMs: 5 * 60_000,
  digestUpdateMs: 3000,
  maxAttempts: 10,
  leaseMs: 60_000,
};

export interface DeliveryWorkerOptions {
  outbox: OutboxStore;
  destinations: DestinationStore;
  digests: DigestStore;
  adapters: ChatAdapter[];
  loadEvent: (id: string) => Promise<EmnifyEvent | undefined>;
  render: (event: EmnifyEvent) => NeutralMessage;
  metrics: Metrics;
  log: Logger;
  policy?: Partial<DeliveryPolicy>;
  /** Idle poll period; ingest also wakes the worker at once. */
  pollMs?: number;
  /** Lock rows while deciding on digests (PostgreSQL with several replicas). */
  lockRows?: boolean;
}

const CLAIM_BATCH = 50;
const DESTINATIONS_PER_PASS = 20;
const PARALLEL_DESTINATIONS = 4;

/**
 * Drains the outbox, destination by destination: each is paced within its platform's limits,
 * a 429 holds back only that destination, a permanent refusal marks it broken, and bursts of
 * one kind become a digest message that is updated in place.
 */
export class DeliveryWorker {
  private readonly adapters: Map<string, ChatAdapter>;
  private readonly policy: DeliveryPolicy;
  private readonly digests: DigestDelivery;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.adapters = new Map(options.adapters.map((adapter) => [adapter.name, adapter]));
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
    this.digests = new DigestDelivery({
      ...options,
      policy: this.policy,
      adapters: this.adapters,
      failed: (delivery, error) => this.failed(delivery, error),
    });
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

  /** One pass: due destinations in parallel, then digest updates. Returns the work done. */
  private async pass(): Promise<number> {
    const due = await this.options.outbox.dueDestinations(DESTINATIONS_PER_PASS);
    let worked = 0;
    for (let i = 0; i < due.length; i += PARALLEL_DESTINATIONS) {
      const slice = due.slice(i, i + PARALLEL_DESTINATIONS);
      const done = await Promise.all(slice.map((destination) => this.serve(destination)));
      worked += done.reduce((sum, n) => sum + n, 0);
    }
    worked += await this.digests.updateDue();
    return worked;
  }

  private async serve(destination: Destination): Promise<number> {
    const { outbox } = this.options;
    const adapter = this.adapters.get(destination.adapter);
    const claimed = await outbox.claim(destination, CLAIM_BATCH, this.policy.leaseMs);
    if (claimed.length === 0) return 0;

    if (!adapter) {
      const error = new DeliveryError(`adapter ${destination.adapter} is not configured`);
      for (const delivery of claimed) await this.failed(delivery, error);
      return claimed.length;
    }

    const singles: Delivery[] = [];
    for (const [kind, group] of groupByKind(claimed)) {
      if (!(await this.digests.take(adapter, destination, kind, group))) singles.push(...group);
    }

    const allowed = await this.options.destinations.takeTokens(
      destination,
      singles.length,
      adapter.pace,
    );
    for (const delivery of singles.slice(0, allowed)) {
      const stop = await this.sendOne(adapter, delivery);
      if (stop) {
        // A 429 or a broken destination: the rest waits in the outbox.
        for (const rest of singles.slice(singles.indexOf(delivery) + 1)) {
          await outbox.release(rest.id, new Date());
        }
        return claimed.length;
      }
    }

    const wait = new Date(Date.now() + 1000 / adapter.pace.perSecond);
    for (const delivery of singles.slice(allowed)) await outbox.release(delivery.id, wait);
    return claimed.length;
  }

  /** Sends one delivery; returns true when the destination should get nothing more now. */
  private async sendOne(adapter: ChatAdapter, delivery: Delivery): Promise<boolean> {
    const { outbox, metrics } = this.options;
    const destination = { adapter: delivery.adapter, target: delivery.target };
    try {
      const event = await this.options.loadEvent(delivery.eventId);
      if (!event) throw new DeliveryError('event is missing from the store', { permanent: true });

      const message = this.options.render(event);
      if (event.severity !== 'info' || event.alert) {
        await addOncall(this.options.destinations, message, destination, `o:${delivery.id}`);
      }
      const ref = await adapter.deliver(delivery.target, message);
      await outbox.markDone(delivery.id, ref);
      metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'done' });
      metrics.deliveryLatency.observe(
        { adapter: delivery.adapter },
        (Date.now() - Date.parse(delivery.createdAt)) / 1000,
      );
      return false;
    } catch (error) {
      return this.failed(delivery, error);
    }
  }

  /** Settles a failure; returns true when the destination must pause or is broken. */
  private async failed(delivery: Delivery, error: unknown): Promise<boolean> {
    const { outbox, destinations, metrics } = this.options;
    const destination = { adapter: delivery.adapter, target: delivery.target };
    const log = this.options.log.child({ delivery: delivery.id, event: delivery.eventId });
    const reason = error instanceof Error ? error.message : String(error);

    if (error instanceof DeliveryError && error.retryAfterMs !== undefined) {
      const until = new Date(Date.now() + error.retryAfterMs);
      await destinations.blockUntil(destination, until);
      await outbox.reschedule(delivery.id, delivery.attempts, reason, until);
      await outbox.deferDestination(destination, until);
      metrics.rateLimited.inc({ adapter: delivery.adapter });
      log.warn({ waitMs: error.retryAfterMs }, 'destination rate-limited; holding it back');
      return true;
    }

    if (error instanceof DeliveryError && error.permanent) {
      await outbox.markDead(delivery.id, delivery.attempts + 1, reason);
      await destinations.markBroken(destination, reason);
      await outbox.killDestination(destination, `destination broken: ${reason}`);
      metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'dead' });
      log.error({ err: error }, 'destination refused permanently; marked broken');
      return true;
    }

    const attempts = delivery.attempts + 1;
    if (attempts >= this.policy.maxAttempts) {
      await outbox.markDead(delivery.id, attempts, reason);
      metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'dead' });
      log.error({ err: error, attempts }, 'delivery given up; in the dead letters');
      return false;
    }

    const wait = backoffMs(attempts);
    await outbox.reschedule(delivery.id, attempts, reason, new Date(Date.now() + wait));
    metrics.deliveries.inc({ adapter: delivery.adapter, outcome: 'retry' });
    log.warn({ err: error, attempts, waitMs: wait }, 'delivery will be retried');
    return false;
  }
}

function groupByKind(deliveries: Delivery[]): Map<DeliveryKind, Delivery[]> {
  const byKey = new Map<string, { kind: DeliveryKind; list: Delivery[] }>();
  for (const delivery of deliveries) {
    const key = `${delivery.typeId}\u0000${delivery.orgId}`;
    const entry = byKey.get(key) ?? {
      kind: { typeId: delivery.typeId, orgId: delivery.orgId } as DeliveryKind,
      list: [],
    };
    entry.list.push(delivery);
    byKey.set(key, entry);
  }
  return new Map([...byKey.values()].map(({ kind, list }) => [kind, list]));
}
