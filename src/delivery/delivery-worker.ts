import { setTimeout as sleep } from 'node:timers/promises';
import type { EmnifyEvent } from '../events/emnify-event.js';
import { USER_DELETED } from '../events/event-catalogue.js';
import { buildDigestMessage } from '../messages/digest-message.js';
import type { NeutralMessage } from '../messages/message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { DestinationStore } from '../store/destination-store.js';
import type { Digest, DigestStore } from '../store/digest-store.js';
import type { Delivery, OutboxStore } from '../store/outbox-store.js';
import { type ChatAdapter, DeliveryError } from './chat-adapter.js';
import type { Destination } from './destination.js';

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

type Kind = { typeId: number | null; orgId: string | null };

/**
 * Drains the outbox, destination by destination: each is paced within its platform's limits,
 * a 429 holds back only that destination, a permanent refusal marks it broken, and bursts of
 * one kind become a digest message that is updated in place.
 */
export class DeliveryWorker {
  private readonly adapters: Map<string, ChatAdapter>;
  private readonly policy: DeliveryPolicy;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.adapters = new Map(options.adapters.map((adapter) => [adapter.name, adapter]));
    this.policy = { ...DEFAULT_POLICY, ...options.policy };
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
    worked += await this.updateDigests();
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
      if (!(await this.digested(adapter, destination, kind, group))) singles.push(...group);
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

  /**
   * Puts a group into a digest when its kind is bursting: a digest of that kind is still
   * open, or the group plus what was posted singly in the window passes the threshold.
   * Deliveries are linked to the digest before its message is posted, so a crash between
   * the two repeats the post at most once and never counts an event twice.
   */
  private async digested(
    adapter: ChatAdapter,
    destination: Destination,
    kind: Kind,
    group: Delivery[],
  ): Promise<boolean> {
    const { outbox, digests, metrics } = this.options;
    if (kind.typeId === null) return false;
    const now = new Date();
    const since = new Date(now.getTime() - this.policy.digestWindowMs).toISOString();
    const digestKind = { typeId: kind.typeId, orgId: kind.orgId };
    const first = await this.options.loadEvent(group[0]?.eventId ?? '');
    const digest = await digests.openOrCreate(
      destination,
      { ...digestKind, orgName: first?.organisation?.name ?? null },
      since,
      async () => {
        // What is still waiting counts too: a burst that arrived at once is one digest from
        // its first message, not a few single posts first.
        const [singles, waiting] = await Promise.all([
          outbox.countRecentSingles(destination, kind, since),
          outbox.countWaiting(destination, kind),
        ]);
        const burst = group.length + waiting + singles > this.policy.digestThreshold;
        return burst ? singles : undefined;
      },
      this.options.lockRows ?? false,
    );
    if (!digest) return false;

    // The rest of the burst already waiting joins now, in one go.
    const more = await outbox.claim(destination, 10_000, this.policy.leaseMs, kind);
    const ids = [...group, ...more].map((delivery) => delivery.id);
    await digests.link(digest.id, ids, now.toISOString());

    if (digest.messageRef) {
      await outbox.markDoneMany(ids, digest.messageRef, digest.id);
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digested' }, ids.length);
      return true;
    }

    // Another replica may be posting this digest right now: wait for its message.
    const soon = new Date(Date.now() + 1000 / adapter.pace.perSecond);
    if (!(await digests.claimPost(digest.id, this.policy.leaseMs))) {
      await outbox.releaseMany(ids, soon);
      return true;
    }
    if ((await this.options.destinations.takeTokens(destination, 1, adapter.pace)) === 0) {
      await digests.releasePost(digest.id);
      await outbox.releaseMany(ids, soon);
      return true;
    }
    try {
      const { message, version } = await this.digestMessage(digest, destination);
      const ref = await adapter.deliver(destination.target, message);
      const next = new Date(Date.now() + this.policy.digestUpdateMs).toISOString();
      await digests.setRef(digest.id, ref, next);
      await digests.markShown(digest.id, version);
      await outbox.markDoneMany(ids, ref, digest.id);
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digest' });
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digested' }, ids.length);
    } catch (error) {
      await digests.releasePost(digest.id);
      // One failure settles for the whole burst; the other deliveries go back to wait.
      const stop = await this.failed(group[0] as Delivery, error);
      const retryAt = new Date(Date.now() + (stop ? 1000 : backoffMs(1)));
      await outbox.releaseMany(ids.slice(1), retryAt);
    }
    return true;
  }

  private async digestMessage(
    digest: Digest,
    destination: Destination,
  ): Promise<{ message: NeutralMessage; version: number }> {
    const current = (await this.options.digests.get(digest.id)) ?? digest;
    const newest = await this.options.digests.newestEvents(digest.id, 10);
    const message = buildDigestMessage(current, newest, this.policy.digestWindowMs);
    if (current.typeId === USER_DELETED || message.severity !== 'info') {
      await this.withOncall(
        message,
        destination,
        `d:${digest.id}`,
        current.ackedBy,
        current.ackedAt,
      );
    }
    return { message, version: current.version };
  }

  /** Updates digests that grew, no more often than the update period and the pace allow. */
  private async updateDigests(): Promise<number> {
    const { digests } = this.options;
    const due = await digests.dueUpdates(new Date().toISOString());
    for (const digest of due) {
      const adapter = this.adapters.get(digest.adapter);
      if (!adapter || !digest.messageRef) continue;
      const destination = { adapter: digest.adapter, target: digest.target };
      if ((await this.options.destinations.takeTokens(destination, 1, adapter.pace)) === 0)
        continue;

      const now = new Date();
      const next = new Date(now.getTime() + this.policy.digestUpdateMs).toISOString();
      if (!(await digests.claimUpdate(digest.id, now.toISOString(), next))) continue;
      try {
        const { message, version } = await this.digestMessage(digest, destination);
        await adapter.update(digest.target, digest.messageRef, message);
        await digests.markShown(digest.id, version);
        this.options.metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digest_update' });
      } catch (error) {
        // Still out of date: the next pass after `next` tries again.
        this.options.log.warn({ err: error, digest: digest.id }, 'digest update failed');
      }
    }
    return due.length;
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
        await this.withOncall(message, destination, `o:${delivery.id}`, null, null);
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

  /** Adds the on-call mention and an Acknowledge button when the destination has an on-call. */
  private async withOncall(
    message: NeutralMessage,
    destination: Destination,
    ackKey: string,
    ackedBy: string | null,
    ackedAt: string | null,
  ): Promise<void> {
    const state = await this.options.destinations.get(destination);
    if (!state?.oncall) return;
    if (ackedBy) {
      message.notes.push(
        `Acknowledged by ${ackedBy} at ${ackedAt?.slice(0, 16).replace('T', ' ')} UTC.`,
      );
      return;
    }
    message.mention = state.oncall;
    message.actions.push({ id: 'ack', label: 'Acknowledge', value: ackKey, style: 'primary' });
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

function groupByKind(deliveries: Delivery[]): Map<Kind, Delivery[]> {
  const byKey = new Map<string, { kind: Kind; list: Delivery[] }>();
  for (const delivery of deliveries) {
    const key = `${delivery.typeId}\u0000${delivery.orgId}`;
    const entry = byKey.get(key) ?? {
      kind: { typeId: delivery.typeId, orgId: delivery.orgId },
      list: [],
    };
    entry.list.push(delivery);
    byKey.set(key, entry);
  }
  return new Map([...byKey.values()].map(({ kind, list }) => [kind, list]));
}

/** Exponential backoff from one second, capped at five minutes, with jitter on top. */
export function backoffMs(attempts: number): number {
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
  return Math.round(base / 2 + Math.random() * (base / 2));
}
