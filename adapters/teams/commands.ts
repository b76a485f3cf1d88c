import { ActivityTypes, CardFactory, TurnContext } from 'botbuilder';
import type { CommandHandler } from '../../src/delivery/chat-adapter.js';
import { message } from '../../src/messages/message.js';
import type { Logger } from '../../src/observability/logger.js';
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
  return (withoutMention ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Answers one text command with a card; anything not understood gets the help card. */
export async function answerCommand(
  context: TurnContext,
  handler: CommandHandler,
  log: Logger,
): Promise<void> {
  const activity = context.activity;
  let reply: Awaited<ReturnType<CommandHandler>>;
  try {
    reply = await handler(commandText(context), {
      platform: 'teams',
      userId: activity.from?.aadObjectId ?? activity.from?.id,
      channelId: activity.conversation.id,
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
