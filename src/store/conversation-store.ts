import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * A chat conversation the bot may post to unprompted, in a plain form that belongs to no SDK:
 * each adapter converts it to and from its own reference type.
 */
export interface StoredConversation {
  id: string;
  serviceUrl: string;
  channelId: string;
  botId: string;
  botName?: string;
  tenantId?: string;
  kind?: string;
  name?: string;
}

/** What adapters may do with the conversations they learned about. */
export interface ConversationDirectory {
  remember(platform: string, conversation: StoredConversation): Promise<void>;
  deactivate(platform: string, id: string, reason: string): Promise<void>;
  listActive(platform: string): Promise<StoredConversation[]>;
  find(platform: string, id: string): Promise<StoredConversation | undefined>;
}

/** Conversation references, refreshed on every message and marked inactive on removal. */
export class ConversationStore implements ConversationDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async remember(platform: string, conversation: StoredConversation): Promise<void> {
    const row = {
      platform,
      id: conversation.id,
      reference: JSON.stringify(conversation),
      tenant_id: conversation.tenantId ?? null,
      kind: conversation.kind ?? null,
      active: 1,
      inactive_reason: null,
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('conversations')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['platform', 'id']).doUpdateSet({
          reference: row.reference,
          tenant_id: row.tenant_id,
          kind: row.kind,
          active: 1,
          inactive_reason: null,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async deactivate(platform: string, id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ active: 0, inactive_reason: reason, updated_at: new Date().toISOString() })
      .where('platform', '=', platform)
      .where('id', '=', id)
      .execute();
  }

  async listActive(platform: string): Promise<StoredConversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('reference')
      .where('platform', '=', platform)
      .where('active', '=', 1)
      .orderBy('id')
      .execute();
    return rows.map((row) => JSON.parse(row.reference) as StoredConversation);
  }

  async find(platform: string, id: string): Promise<StoredConversation | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .select(['reference', 'active'])
      .where('platform', '=', platform)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.reference) as StoredConversation) : undefined;
  }
}
