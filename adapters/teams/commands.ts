import { ActivityTypes, CardFactory, TurnContext } from 'botbuilder';
import type { CommandHandler, CoreHandlers } from '../../src/delivery/chat-adapter.js';
import { message } from '../../src/messages/message.js';
import type { Logger } from '../../src/observability/logger.js';
import { mentionsIn } from './mentions.js';
import { cardSummary, renderCard } from './render.js';

/**
 * The text of a command as the user meant it: the bot's mention removed in channels and
 * group chats, HTML spaces decoded, a leading `emnify-users` or `users` left to the parser.
 */
export function commandText(context: TurnContext): string {
  const activity = context.activity;
  const withoutMention = activity.entities?.length
    ? TurnContext.removeRecipientMention(activity)
    : activity.text;
  // A leading mention left without its entity is the bot's; any other mention stays as
  // "@name" (for `oncall @person`, whose id comes from the entities).
  return (withoutMention ?? '')
    .replace(/^\s*<at>[^<]*<\/at>/i, ' ')
    .replace(/<at>([^<]*)<\/at>/gi, '@$1')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Answers one text command with a card; anything not understood gets the help card. */
export async function answerCommand(
  context: TurnContext,
  handlers: CoreHandlers,
  log: Logger,
): Promise<void> {
  const activity = context.activity;
  const value = activity.value as { action?: string; key?: string } | undefined;
  if (value?.action === 'ack' && typeof value.key === 'string') {
    await acknowledge(context, handlers, value.key);
    return;
  }

  const handler: CommandHandler = handlers.command;
  let reply: Awaited<ReturnType<CommandHandler>>;
  try {
    reply = await handler(commandText(context), {
      platform: 'teams',
      userId: activity.from?.aadObjectId ?? activity.from?.id,
      channelId: activity.conversation.id,
      parseMention: () => mentionsIn(activity),
    });
  } catch (error) {
    log.error({ err: error }, 'teams command failed');
    reply = {
      public: true,
      message: message({
        title: 'Something went wrong',
        summary: 'The bot could not answer just now. Please try again in a minute.',
      }),
    };
  }

  await context.sendActivity({
    type: ActivityTypes.Message,
    summary: cardSummary(reply.message),
    attachments: [CardFactory.adaptiveCard(renderCard(reply.message))],
  });
}

/** An "Acknowledge" click: the first updates the card in place, later ones hear who was first. */
async function acknowledge(context: TurnContext, handlers: CoreHandlers, key: string) {
  const activity = context.activity;
  const who = activity.from?.name ?? activity.from?.id ?? 'someone';
  const result = await handlers.acknowledge(key, who);

  if (result.status === 'acknowledged' && result.message && activity.replyToId) {
    await context.updateActivity({
      id: activity.replyToId,
      type: ActivityTypes.Message,
      summary: cardSummary(result.message),
      attachments: [CardFactory.adaptiveCard(renderCard(result.message))],
    });
  } else if (result.status === 'already') {
    await context.sendActivity(`Already acknowledged by ${result.by}.`);
  }
}
