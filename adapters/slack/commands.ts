import type { App } from '@slack/bolt';
import type { CommandHandler, CoreHandlers } from '../../src/delivery/chat-adapter.js';
import { message } from '../../src/messages/message.js';
import { utcMinute } from '../../src/messages/utc-minute.js';
import type { Logger } from '../../src/observability/logger.js';
import { parseSlackMentions, unescapeCommandText } from './mentions.js';
import { renderForSlack } from './render.js';

export const SLASH_COMMAND = '/emnify-users';

/**
 * Binds `/emnify-users`: acknowledged at once (Slack gives 3 seconds), answered afterwards
 * through `response_url`, which also works in DMs and private channels the bot is not in.
 */
export function bindSlashCommand(app: App, handlers: CoreHandlers, log: Logger): void {
  const handler = handlers.command;
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();

    const commandLog = log.child({ command: SLASH_COMMAND, channel: command.channel_id });
    let reply: Awaited<ReturnType<CommandHandler>>;
    try {
      reply = await handler(unescapeCommandText(command.text ?? ''), {
        platform: 'slack',
        userId: command.user_id,
        channelId: command.channel_id,
        parseMention: parseSlackMentions,
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

  app.action('ack', async ({ ack, body, action, respond, client }) => {
    await ack();
    const key = 'value' in action ? String(action.value) : '';
    const who = body.user.name ?? body.user.id;
    const result = await handlers.acknowledge(key, who);

    const channel = body.channel?.id;
    const ts = (body as { message?: { ts?: string } }).message?.ts;
    if (result.status === 'acknowledged' && result.message && channel && ts) {
      const rendered = renderForSlack(result.message);
      await client.chat.update({ channel, ts, text: rendered.text, blocks: rendered.blocks });
    } else if (result.status === 'already') {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `Already acknowledged by ${result.by} at ${utcMinute(result.at ?? '')}.`,
      });
    }
  });
}
