import type { Generated } from 'kysely';

/** Row shapes of the store; both dialects keep times as ISO 8601 UTC text. */
export interface EventsTable {
  id: string;
  type_id: number;
  occurred_at: string;
  severity: string;
  alert: number;
  org_id: string | null;
  org_name: string | null;
  payload: string;
  received_at: string;
}

export interface OrganisationsTable {
  id: string;
  name: string | null;
  name_folded: string | null;
  updated_at: string;
}

export interface QuarantineTable {
  id: Generated<number>;
  received_at: string;
  reason: string;
  record: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'done' | 'dead';

export interface OutboxTable {
  id: Generated<number>;
  event_id: string;
  adapter: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  message_ref: string | null;
  created_at: string;
  updated_at: string;
  digest_id: number | null;
  delivered_at: string | null;
  type_id: number | null;
  org_id: string | null;
  acked_by: string | null;
  acked_at: string | null;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  adapter: string;
  target: string;
  types: string;
  org_id: string | null;
  org_name: string | null;
  created_by: string | null;
  created_at: string;
}

export interface DestinationsTable {
  adapter: string;
  target: string;
  broken_reason: string | null;
  broken_at: string | null;
  blocked_until: string | null;
  oncall: string | null;
  tokens: number | null;
  refilled_at: string | null;
  updated_at: string;
}

export interface DigestsTable {
  id: Generated<number>;
  adapter: string;
  target: string;
  type_id: number;
  org_id: string | null;
  org_name: string | null;
  started_at: string;
  last_event_at: string;
  count: number;
  message_ref: string | null;
  dirty: number;
  version: Generated<number>;
  posting_until: string | null;
  next_update_at: string;
  acked_by: string | null;
  acked_at: string | null;
}

export interface ConversationsTable {
  platform: string;
  id: string;
  reference: string;
  tenant_id: string | null;
  kind: string | null;
  active: number;
  inactive_reason: string | null;
  updated_at: string;
}

export interface PollerCursorsTable {
  key: string;
  cursor: string;
  backfilled: number;
  updated_at: string;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface Database {
  leases: LeasesTable;
  subscriptions: SubscriptionsTable;
  destinations: DestinationsTable;
  digests: DigestsTable;
  poller_cursors: PollerCursorsTable;
  conversations: ConversationsTable;
  events: EventsTable;
  organisations: OrganisationsTable;
  quarantine: QuarantineTable;
  outbox: OutboxTable;
}
