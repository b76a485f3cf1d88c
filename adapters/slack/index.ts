import { App, ExpressReceiver } from '@slack/bolt';
import type { Router } from 'express';
import type { Config } from '../../src/config/load-config.js';
import type { ChatAdapter, CoreHandlers } from '../../src/delivery/chat-adapter.js';
import type { Destination } from '../../src/delivery/destination.js';
import { BotError } from '../../src/errors.js';
import type { NeutralMessage } from '../../src/messages/message.js';
import type { Logger } from '../../src/observability/logger.js';
import { boltLogger } from './bolt-logger.js';
import { bindSlashCommand } from './commands.js';
import { toDeliveryError } from './delivery-errors.js';
import { renderForSlack } from './render.js';

/** The adapter's part of the settings, as the config loader reads it. */
export type SlackSettings = NonNullable<Config['slack']>;

const DEFAULT_API_URL = 'https://slack.com/api/';

/**
 * Slack through Bolt: slash commands at `/slack/events` on the bot's server (or Socket Mode
 * with an app token), Block Kit notifications through the Web API.
 */
export class SlackAdapter implements ChatAdapter {
  readonly name = 'slack';
  private readonly app: App;
  private readonly receiver?: ExpressReceiver;
  private readonly apiUrl: string;

  constructor(
    private readonly settings: SlackSettings,
    private readonly log: Logger,
  ) {
    this.apiUrl = withApiSuffix(settings.apiUrl ?? DEFAULT_API_URL);
    const perSecond = settings.pacePerSecond ?? 1;
    this.pace = { burst: Math.max(2, Math.ceil(perSecond)), perSecond };
    const logger = boltLogger(log);
    const clientOptions = {
      slackApiUrl: this.apiUrl,
      // The outbox owns retries and rate-limit waits; the client only smooths brief blips.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
      timeout: 10_000,
      rejectRateLimitedCalls: true,
    };

    if (settings.appToken) {
      this.app = new App({
        token: settings.botToken,
        appToken: settings.appToken,
        socketMode: true,
        logger,
        clientOptions,
        tokenVerificationEnabled: false,
      });
    } else {
      this.receiver = new ExpressReceiver({
        signingSecret: settings.signingSecret ?? '',
        endpoints: '/slack/events',
        logger,
      });
      this.app = new App({
        token: settings.botToken,
        receiver: this.receiver,
        logger,
        clientOptions,
        // Bolt would call auth.test from its constructor, where a failure cannot be caught;
        // start() makes that call instead and says clearly what is wrong.
        tokenVerificationEnabled: false,
      });
    }

    this.app.error(async (error) => {
      this.log.error({ err: error }, 'slack handler failed');
    });
  }

  readonly pace: { burst: number; perSecond: number };

  async defaultDestinations(): Promise<Destination[]> {
    const channel = this.settings.defaultChannel;
    return channel ? [{ adapter: this.name, target: channel }] : [];
  }

  async deliver(target: string, message: NeutralMessage): Promise<string> {
    const rendered = renderForSlack(message);
    try {
      const result = await this.app.client.chat.postMessage({
        channel: target,
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return `${result.channel ?? target}:${result.ts ?? ''}`;
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  async update(target: string, ref: string, message: NeutralMessage): Promise<void> {
    const rendered = renderForSlack(message);
    const ts = ref.includes(':') ? ref.slice(ref.indexOf(':') + 1) : ref;
    try {
      await this.app.client.chat.update({
        channel: target,
        ts,
        text: rendered.text,
        blocks: rendered.blocks,
      });
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  mount(router: Router): void {
    if (this.receiver) router.use(this.receiver.router);
  }

  bindCommands(handlers: CoreHandlers): void {
    bindSlashCommand(this.app, handlers, this.log);
  }

  /** Checks the token against the Slack API, then opens Socket Mode if configured. */
  async start(): Promise<void> {
    try {
      const identity = await this.app.client.auth.test();
      this.log.info({ team: identity.team_id, botUser: identity.user_id }, 'slack connected');
    } catch (error) {
      const reason = (error as { data?: { error?: string }; message?: string }).data?.error;
      const why = reason
        ? `refused the token (${reason}): check SLACK_BOT_TOKEN`
        : `is unreachable (${(error as Error).message}): check SLACK_API_URL and the network`;
      throw new BotError('chat_unavailable', `Slack API at ${this.apiUrl} ${why}`, {
        cause: error,
      });
    }
    if (this.settings.appToken) await this.app.start();
  }

  async stop(): Promise<void> {
    if (this.settings.appToken) await this.app.stop();
  }
}

function withApiSuffix(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/api') ? `${trimmed}/` : `${trimmed}/api/`;
}
