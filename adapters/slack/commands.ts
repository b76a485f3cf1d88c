import type { App } from '@slack/bolt';
import type { CommandHandler } from '../../src/delivery/chat-adapter.js';
import { message } from '../../src/messages/message.js';
import type { Logger } from '../../src/observability/logger.js';
import { renderForSlack } from './render.js';

export const SLASH_COMMAND = '/emnify-users';

/**
 * Binds `/emnify-users`: acknowledged at once (Slack gives 3 seconds), answered afterwards
 * through `response_url`, which also works in DMs and private channels the bot is not in.
 */
export function bindSlashCommand(app: App, handler: CommandHandler, log: Logger): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();

    const commandLog = log.child({ command: SLASH_COMMAND, channel: command.channel_id });
    let reply: Awaited<ReturnType<CommandHandler>>;
    try {
      reply = await handler(command.text ?? '', {
        platform: 'slack',
        userId: command.user_id,
        channelId: command.channel_id,
      });
    } catch (error) {
      commandLog.error({ err: error }, 'slash command failed');
      reply = {
        public: false,
        message: message({
          title: 'Something went wrong',
          summary: 'The bot could not answer just now. Please try again in a minute.',
        }),
      };
    }

    const rendered = renderForSlack(reply.message);
    await respond({
      response_type: reply.public ? 'in_channel' : 'ephemeral',
      text: rendered.text,
      blocks: rendered.blocks,
    });
  });

  // Link buttons still send an action; acknowledging it keeps Slack from showing an error.
  app.action('open_link', async ({ ack }) => {
    await ack();
  });
}
