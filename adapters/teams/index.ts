import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import express, { type Router } from 'express';
import type { Config } from '../../src/config/load-config.js';
import type { ChatAdapter, CoreHandlers } from '../../src/delivery/chat-adapter.js';
import type { Destination } from '../../src/delivery/destination.js';
import type { NeutralMessage } from '../../src/messages/message.js';
import type { Logger } from '../../src/observability/logger.js';
import type {
  ConversationDirectory,
  StoredConversation,
} from '../../src/store/conversation-store.js';
import { answerCommand } from './commands.js';
import { conversationOf, toReference } from './conversation-reference.js';
import { isGone, toDeliveryError } from './delivery-errors.js';
import { cardSummary, renderCard } from './render.js';

/** The adapter's part of the settings, as the config loader reads it. */
export type TeamsSettings = NonNullable<Config['teams']>;

const PLATFORM = 'teams';

/**
 * Microsoft Teams through botbuilder's CloudAdapter at `/api/messages`: remembers the
 * conversations the bot is installed in, posts Adaptive Cards to them, answers text commands.
 */
export class TeamsAdapter implements ChatAdapter {
  readonly name = PLATFORM;
  private readonly adapter: CloudAdapter;
  private handlers?: CoreHandlers;

  constructor(
    private readonly settings: TeamsSettings,
    private readonly conversations: ConversationDirectory,
    private readonly log: Logger,
  ) {
    // Without an app id botbuilder skips Bot Framework authentication: TEAMS_LOCAL only,
    // which the settings allow on a loopback address alone.
    const auth = new ConfigurationBotFrameworkAuthentication(
      settings.local && !settings.appId
        ? {}
        : {
            MicrosoftAppId: settings.appId,
            MicrosoftAppPassword: settings.appPassword,
            MicrosoftAppType: settings.appType,
            MicrosoftAppTenantId: settings.tenantId,
          },
    );
    this.adapter = new CloudAdapter(auth);
    const perSecond = settings.pacePerSecond ?? 1.9;
    this.pace = { burst: Math.max(7, Math.ceil(perSecond)), perSecond };
    this.adapter.onTurnError = async (_context, error) => {
      this.log.error({ err: error }, 'teams turn failed');
    };
  }

  readonly pace: { burst: number; perSecond: number };

  async defaultDestinations(): Promise<Destination[]> {
    const active = await this.conversations.listActive(PLATFORM);
    return active.map((conversation) => ({ adapter: this.name, target: conversation.id }));
  }

  async deliver(target: string, message: NeutralMessage): Promise<string> {
    const conversation = await this.conversations.find(PLATFORM, target);
    if (!conversation) throw toDeliveryError({ statusCode: 404, message: 'unknown conversation' });

    let id = '';
    try {
      await this.proactive(conversation, async (context) => {
        const sent = await context.sendActivity(cardActivity(message));
        id = sent?.id ?? '';
      });
    } catch (error) {
      if (isGone(error)) await this.forget(target, 'the connector answered 403/404');
      throw toDeliveryError(error);
    }
    return id;
  }

  async update(target: string, ref: string, message: NeutralMessage): Promise<void> {
    const conversation = await this.conversations.find(PLATFORM, target);
    if (!conversation) throw toDeliveryError({ statusCode: 404, message: 'unknown conversation' });
    try {
      await this.proactive(conversation, async (context) => {
        await context.updateActivity({ ...cardActivity(message), id: ref });
      });
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /**
   * Runs `send` in a proactive turn and lets its failure reach the caller. botbuilder hands
   * errors thrown inside a turn to onTurnError, which would hide them from the outbox.
   */
  private async proactive(
    conversation: StoredConversation,
    send: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    let failure: unknown;
    await this.adapter.continueConversationAsync(
      this.settings.appId ?? '',
      toReference(conversation),
      async (context) => {
        try {
          await send(context);
        } catch (error) {
          failure = error;
        }
      },
    );
    if (failure !== undefined) throw failure;
  }

  mount(router: Router): void {
    router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
      await this.adapter.process(req, res, (context) => this.onTurn(context));
    });
  }

  bindCommands(handlers: CoreHandlers): void {
    this.handlers = handlers;
  }

  async start(): Promise<void> {
    const active = await this.conversations.listActive(PLATFORM);
    this.log.info({ conversations: active.length, local: this.settings.local }, 'teams ready');
  }

  async stop(): Promise<void> {}

  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const conversation = conversationOf(context);
    const log = this.log.child({ activity: activity.type, conversation: conversation.id });

    const allowed = this.settings.allowedTenants;
    if (allowed.length > 0 && !allowed.includes(conversation.tenantId ?? '')) {
      log.warn({ tenant: conversation.tenantId }, 'activity from a tenant not allowed; ignored');
      return;
    }

    if (activity.type === ActivityTypes.InstallationUpdate) {
      const removed = activity.action?.startsWith('remove');
      await (removed ? this.forget(conversation.id, 'uninstalled') : this.remember(conversation));
      return;
    }
    if (activity.type === ActivityTypes.ConversationUpdate) {
      const botId = activity.recipient.id;
      if (activity.membersRemoved?.some((m) => m.id === botId)) {
        await this.forget(conversation.id, 'removed from the conversation');
      } else if (activity.membersAdded?.some((m) => m.id === botId)) {
        await this.remember(conversation);
      }
      return;
    }
    if (activity.type === ActivityTypes.Message) {
      // Every message refreshes the reference: Teams may move a conversation's service URL.
      await this.remember(conversation);
      if (this.handlers) await answerCommand(context, this.handlers, log);
    }
  }

  private async remember(conversation: ReturnType<typeof conversationOf>): Promise<void> {
    await this.conversations.remember(PLATFORM, conversation);
  }

  private async forget(id: string, reason: string): Promise<void> {
    await this.conversations.deactivate(PLATFORM, id, reason);
    this.log.info({ conversation: id, reason }, 'teams conversation inactive');
  }
}

function cardActivity(message: NeutralMessage) {
  return {
    type: ActivityTypes.Message,
    summary: cardSummary(message),
    attachments: [CardFactory.adaptiveCard(renderCard(message))],
  };
}
