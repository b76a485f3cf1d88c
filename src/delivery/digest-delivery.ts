import type { EmnifyEvent } from '../events/emnify-event.js';
import { USER_DELETED } from '../events/event-catalogue.js';
import { buildDigestMessage } from '../messages/digest-message.js';
import type { NeutralMessage } from '../messages/message.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { DestinationStore } from '../store/destination-store.js';
import type { Digest, DigestStore } from '../store/digest-store.js';
import type { Delivery, OutboxStore } from '../store/outbox-store.js';
import { backoffMs } from './backoff.js';
import type { ChatAdapter } from './chat-adapter.js';
import type { Destination } from './destination.js';
import { addOncall } from './oncall.js';

/** An event type in one organisation: what a digest gathers. */
export type DeliveryKind = { typeId: number | null; orgId: string | null };

export interface DigestDeliveryDeps {
  outbox: OutboxStore;
  digests: DigestStore;
  destinations: DestinationStore;
  loadEvent: (id: string) => Promise<EmnifyEvent | undefined>;
  metrics: Metrics;
  log: Logger;
  adapters: Map<string, ChatAdapter>;
  policy: {
    digestThreshold: number;
    digestWindowMs: number;
    digestUpdateMs: number;
    leaseMs: number;
  };
  lockRows?: boolean;
  /** Settles a failed delivery as the worker does; true when the destination must pause. */
  failed: (delivery: Delivery, error: unknown) => Promise<boolean>;
}

/**
 * Bursts become digests: one message per destination, kind and organisation, posted once and
 * updated in place while the burst lasts, safely across crashes and replicas.
 */
export class DigestDelivery {
  constructor(private readonly deps: DigestDeliveryDeps) {}

  /**
   * Puts a group into a digest when its kind is bursting: a digest of that kind is still
   * open, or the group plus what was posted singly in the window passes the threshold.
   * Deliveries are linked to the digest before its message is posted, so a crash between
   * the two repeats the post at most once and never counts an event twice.
   */
  async take(
    adapter: ChatAdapter,
    destination: Destination,
    kind: DeliveryKind,
    group: Delivery[],
  ): Promise<boolean> {
    const { outbox, digests, metrics } = this.deps;
    if (kind.typeId === null) return false;
    const now = new Date();
    const since = new Date(now.getTime() - this.deps.policy.digestWindowMs).toISOString();
    const digestKind = { typeId: kind.typeId, orgId: kind.orgId };
    const first = await this.deps.loadEvent(group[0]?.eventId ?? '');
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
        const burst = group.length + waiting + singles > this.deps.policy.digestThreshold;
        return burst ? singles : undefined;
      },
      this.deps.lockRows ?? false,
    );
    if (!digest) return false;

    // The rest of the burst already waiting joins now, in one go.
    const more = await outbox.claim(destination, 10_000, this.deps.policy.leaseMs, kind);
    const ids = [...group, ...more].map((delivery) => delivery.id);
    await digests.link(digest.id, ids, now.toISOString());

    if (digest.messageRef) {
      await outbox.markDoneMany(ids, digest.messageRef, digest.id);
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digested' }, ids.length);
      return true;
    }

    // Another replica may be posting this digest right now: wait for its message.
    const soon = new Date(Date.now() + 1000 / adapter.pace.perSecond);
    if (!(await digests.claimPost(digest.id, this.deps.policy.leaseMs))) {
      await outbox.releaseMany(ids, soon);
      return true;
    }
    if ((await this.deps.destinations.takeTokens(destination, 1, adapter.pace)) === 0) {
      await digests.releasePost(digest.id);
      await outbox.releaseMany(ids, soon);
      return true;
    }
    try {
      const { message, version } = await this.digestMessage(digest, destination);
      const ref = await adapter.deliver(destination.target, message);
      const next = new Date(Date.now() + this.deps.policy.digestUpdateMs).toISOString();
      await digests.setRef(digest.id, ref, next);
      await digests.markShown(digest.id, version);
      await outbox.markDoneMany(ids, ref, digest.id);
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digest' });
      metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digested' }, ids.length);
    } catch (error) {
      await digests.releasePost(digest.id);
      // One failure settles for the whole burst; the other deliveries go back to wait.
      const stop = await this.deps.failed(group[0] as Delivery, error);
      const retryAt = new Date(Date.now() + (stop ? 1000 : backoffMs(1)));
      await outbox.releaseMany(ids.slice(1), retryAt);
    }
    return true;
  }

  private async digestMessage(
    digest: Digest,
    destination: Destination,
  ): Promise<{ message: NeutralMessage; version: number }> {
    const current = (await this.deps.digests.get(digest.id)) ?? digest;
    const newest = await this.deps.digests.newestEvents(digest.id, 10);
    const message = buildDigestMessage(current, newest, this.deps.policy.digestWindowMs);
    if (current.typeId === USER_DELETED || message.severity !== 'info') {
      await addOncall(this.deps.destinations, message, destination, `d:${digest.id}`, {
        by: current.ackedBy,
        at: current.ackedAt,
      });
    }
    return { message, version: current.version };
  }

  /** Updates digests that grew, no more often than the update period and the pace allow. */
  async updateDue(): Promise<number> {
    const { digests } = this.deps;
    const due = await digests.dueUpdates(new Date().toISOString());
    for (const digest of due) {
      const adapter = this.deps.adapters.get(digest.adapter);
      if (!adapter || !digest.messageRef) continue;
      const destination = { adapter: digest.adapter, target: digest.target };
      if ((await this.deps.destinations.takeTokens(destination, 1, adapter.pace)) === 0) continue;

      const now = new Date();
      const next = new Date(now.getTime() + this.deps.policy.digestUpdateMs).toISOString();
      if (!(await digests.claimUpdate(digest.id, now.toISOString(), next))) continue;
      try {
        const { message, version } = await this.digestMessage(digest, destination);
        await adapter.update(digest.target, digest.messageRef, message);
        await digests.markShown(digest.id, version);
        this.deps.metrics.deliveries.inc({ adapter: adapter.name, outcome: 'digest_update' });
      } catch (error) {
        // Still out of date: the next pass after `next` tries again.
        this.deps.log.warn({ err: error, digest: digest.id }, 'digest update failed');
      }
    }
    return due.length;
  }
}
