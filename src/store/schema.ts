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

export interface Database {
  poller_cursors: PollerCursorsTable;
  conversations: ConversationsTable;
  events: EventsTable;
  organisations: OrganisationsTable;
  quarantine: QuarantineTable;
  outbox: OutboxTable;
}
