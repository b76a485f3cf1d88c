// The composition root: the one module in src/ that knows the adapters.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { ConsoleAdapter } from '../adapters/console/index.js';
import { renderForTerminal, terminalJson } from '../adapters/console/render.js';
import { SlackAdapter } from '../adapters/slack/index.js';
import { TeamsAdapter } from '../adapters/teams/index.js';
import { type CommandReply, runCommand } from './commands/run-command.js';
import type { Config } from './config/load-config.js';
import { createAcknowledger } from './delivery/acknowledge.js';
import type { ChatAdapter, CommandHandler } from './delivery/chat-adapter.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import { createRouter } from './delivery/router.js';
import { EmnifyClient } from './emnify-api/emnify-client.js';
import { BotError } from './errors.js';
import type { EmnifyEvent } from './events/emnify-event.js';
import { createHttpApp, listen } from './http/server.js';
import { mountWebhook } from './http/webhook-route.js';
import type { IngestDeps } from './ingest/ingest.js';
import { buildEventMessage } from './messages/event-message.js';
import type { NeutralMessage } from './messages/message.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { EventPoller } from './poller/event-poller.js';
import { ConversationStore } from './store/conversation-store.js';
import { type OpenDatabase, openDatabase } from './store/database.js';
import { DeliveryRecords } from './store/delivery-records.js';
import { DestinationStore } from './store/destination-store.js';
import { DigestStore } from './store/digest-store.js';
import { EventStore } from './store/event-store.js';
import { LeaseStore } from './store/lease-store.js';
import { databaseAnswers } from './store/migrations.js';
import { OrganisationStore } from './store/organisation-store.js';
import { OutboxStore } from './store/outbox-store.js';
import { PollerStore } from './store/poller-store.js';
import { RecentStore } from './store/recent-store.js';
import { SubscriptionStore } from './store/subscription-store.js';

export interface BotOptions {
  config: Config;
  log: Logger;
  /** Where the console adapter prints; standard output in `serve`. */
  out: Writable;
  /** Extra adapters (tests); the configured ones are added by the root itself. */
  adapters?: ChatAdapter[];
  workerPollMs?: number;
}

const STUCK_AFTER_MS = 5 * 60_000;

/** Everything a running bot is made of, wired together. */
export class Bot {
  readonly metrics = new Metrics({ defaults: true });
  readonly events: EventStore;
  readonly worker: DeliveryWorker;
  readonly ingestDeps: IngestDeps;
  readonly commands: CommandHandler;
  readonly outbox: OutboxStore;
  readonly pollers: EventPoller[];
  readonly config: Config;
  private server?: Server;

  private constructor(
    private readonly options: BotOptions,
    private readonly database: OpenDatabase,
    readonly adapters: ChatAdapter[],
  ) {
    const { db, dialect } = database;
    const { config, log } = options;
    this.config = config;
    this.events = new EventStore(db);
    this.outbox = new OutboxStore(db, dialect);
    const destinations = new DestinationStore(db);
    // Replicas share one pace per channel: the bucket row is locked while it is read.
    destinations.forUpdate = dialect === 'postgres';
    const digests = new DigestStore(db);
    const subscriptions = new SubscriptionStore(db);
    const records = new DeliveryRecords(db);
    const organisations = new OrganisationStore(db);
    const recent = new RecentStore(db);
    const render = (event: EmnifyEvent) =>
      buildEventMessage(event, { portalUrl: config.portalUrl });
    const loadEvent = (id: string) => this.events.getEvent(id);
    const defaults = async () =>
      (await Promise.all(adapters.map((adapter) => adapter.defaultDestinations()))).flat();

    this.commands = async (text, origin) => {
      const destination = { adapter: origin.platform, target: origin.channelId ?? '' };
      const admins = origin.platform === 'teams' ? config.admins.teams : config.admins.slack;
      const isDefault = (await defaults()).some(
        (d) => d.adapter === destination.adapter && d.target === destination.target,
      );
      return runCommand(text, {
        organisations,
        recent,
        chat: origin.channelId
          ? {
              destination,
              userId: origin.userId,
              isAdmin: origin.userId !== undefined && admins.includes(origin.userId),
              adminSetting: origin.platform === 'teams' ? 'TEAMS_ADMIN_USERS' : 'SLACK_ADMIN_USERS',
              subscriptions,
              destinations,
              outbox: this.outbox,
              records,
              organisations,
              parseMention: origin.parseMention,
              isDefault,
              health: async () => this.pollerHealth(),
            }
          : undefined,
      });
    };

    this.worker = new DeliveryWorker({
      outbox: this.outbox,
      destinations,
      digests,
      policy: {
        digestThreshold: config.delivery.digestThreshold,
        digestWindowMs: config.delivery.digestWindowMs,
        maxAttempts: config.delivery.maxAttempts,
        leaseMs: config.delivery.leaseMs,
      },
      adapters,
      loadEvent,
      render,
      metrics: this.metrics,
      log: log.child({ component: 'delivery' }),
      pollMs: options.workerPollMs,
      lockRows: dialect === 'postgres',
    });
    this.ingestDeps = {
      store: this.events,
      metrics: this.metrics,
      route: createRouter({
        notifyTypes: config.notifyEventTypes,
        subscriptions,
        destinations,
        defaults,
      }),
      onDeliveries: () => this.worker.kick(),
    };

    const acknowledge = createAcknowledger({
      records,
      digests,
      loadEvent,
      render,
      digestWindowMs: config.delivery.digestWindowMs,
    });
    for (const adapter of adapters) adapter.bindCommands({ command: this.commands, acknowledge });
    this.metrics.observeOutbox(() => this.outbox.stats());

    const pollerStore = new PollerStore(db);
    const leases = new LeaseStore(db);
    const replicaId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.pollers = config.emnifyApi.applicationTokens.map((applicationToken, i) => {
      const pollLog = log.child({ component: 'poller', workspace: i + 1 });
      return new EventPoller({
        client: new EmnifyClient({ baseUrl: config.emnifyApi.url, applicationToken, log: pollLog }),
        applicationToken,
        store: pollerStore,
        ingest: this.ingestDeps,
        metrics: this.metrics,
        log: pollLog,
        backfillMs: config.emnifyApi.backfillMs,
        intervalMs: config.emnifyApi.pollIntervalMs,
        lease: { store: leases, holder: replicaId },
      });
    });
  }

  /**
   * Ready while the store answers, no poller has failed three times in a row, and the outbox
   * is moving: a delivery due for more than five minutes means no worker is taking work.
   * (Deliveries waiting out a chat outage are not due yet, so an outage keeps the bot ready.)
   */
  async ready(): Promise<boolean> {
    await databaseAnswers(this.database.db as Kysely<unknown>);
    const pollersOk = this.pollers.every((poller) => poller.health.consecutiveFailures < 3);
    return pollersOk && (await this.outbox.oldestDueMs()) < STUCK_AFTER_MS;
  }

  private pollerHealth(): string[] {
    return this.pollers.map((poller, i) => {
      const { lastSuccessAt, lastError, consecutiveFailures } = poller.health;
      const last = lastSuccessAt ? `last success ${lastSuccessAt}` : 'no success yet';
      const failing =
        consecutiveFailures > 0 ? `, ${consecutiveFailures} failed: ${lastError}` : '';
      return `workspace ${i + 1}: ${last}${failing}`;
    });
  }

  /** The store's query builder, for the CLI's direct reads. */
  get db(): OpenDatabase['db'] {
    return this.database.db;
  }

  /** Opens the store and builds the adapters the configuration asks for. */
  static async create(options: BotOptions): Promise<Bot> {
    const database = await openDatabase(options.config.databaseUrl, options.log);
    const adapters =
      options.adapters ?? configuredAdapters(options, new ConversationStore(database.db));
    return new Bot(options, database, adapters);
  }

  /** Connects every adapter to its platform; fails with a clear reason if one cannot. */
  async startAdapters(): Promise<void> {
    for (const adapter of this.adapters) await adapter.start();
  }

  /** Starts adapters, the delivery worker and the HTTP server. */
  async start(): Promise<Server> {
    const { config, log } = this.options;
    await this.startAdapters();

    const app = createHttpApp({
      log,
      metrics: this.metrics,
      ready: () => this.ready(),
      mount: [
        (router) =>
          mountWebhook(router, {
            token: config.webhookToken,
            bodyLimit: config.webhookBodyLimit,
            ingest: this.ingestDeps,
            log,
          }),
        ...this.adapters.map(
          (adapter) => (router: Parameters<ChatAdapter['mount']>[0]) => adapter.mount(router),
        ),
      ],
    });
    this.server = await listen(app, config.host, config.port).catch(
      (error: NodeJS.ErrnoException) => {
        const why =
          error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.code})`;
        throw new BotError('config_invalid', `HOST/PORT: ${config.host}:${config.port} ${why}`, {
          cause: error,
        });
      },
    );
    this.worker.start();
    for (const poller of this.pollers) poller.start();
    return this.server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      // In-flight webhooks finish; idle keep-alive connections are closed at once.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    }
    await Promise.all(this.pollers.map((poller) => poller.stop()));
    await this.worker.stop();
    for (const adapter of this.adapters) await adapter.stop();
    await this.database.close();
  }
}

/**
 * The chat platforms the settings ask for; the terminal when there is none, so a local run
 * still shows every notification.
 */
function configuredAdapters(
  { config, log, out }: BotOptions,
  conversations: ConversationStore,
): ChatAdapter[] {
  const adapters: ChatAdapter[] = [];
  if (config.slack) adapters.push(new SlackAdapter(config.slack, log.child({ adapter: 'slack' })));
  if (config.teams) {
    const teamsLog = log.child({ adapter: 'teams' });
    adapters.push(new TeamsAdapter(config.teams, conversations, teamsLog));
  }
  return adapters.length > 0 ? adapters : [new ConsoleAdapter(out)];
}

/** Renders a command reply for the terminal, as the CLI prints it. */
export function renderReplyForTerminal(reply: CommandReply | NeutralMessage): string {
  return renderForTerminal('message' in reply ? reply.message : reply);
}

export { terminalJson };
