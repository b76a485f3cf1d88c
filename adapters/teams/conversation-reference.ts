import type { ConversationReference, TurnContext } from 'botbuilder';
import type { StoredConversation } from '../../src/store/conversation-store.js';

/** Takes what the core stores from an incoming activity; no botbuilder class is kept. */
export function conversationOf(context: TurnContext): StoredConversation {
  const activity = context.activity;
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: string } };
  return {
    id: activity.conversation.id,
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    botId: activity.recipient.id,
    botName: activity.recipient.name,
    tenantId: activity.conversation.tenantId ?? channelData.tenant?.id,
    kind: activity.conversation.conversationType,
    name: activity.conversation.name,
  };
}

/** Rebuilds the reference botbuilder needs for a proactive message. */
export function toReference(conversation: StoredConversation): Partial<ConversationReference> {
  return {
    channelId: conversation.channelId,
    serviceUrl: conversation.serviceUrl,
    bot: { id: conversation.botId, name: conversation.botName ?? '' },
    conversation: {
      id: conversation.id,
      tenantId: conversation.tenantId,
      conversationType: conversation.kind ?? '',
      isGroup: conversation.kind !== 'personal',
      name: conversation.name ?? '',
    },
  };
}
