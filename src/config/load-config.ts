import { isIP } from 'node:net';
import { z } from 'zod';
import { BotError } from '../errors.js';
import { byteSize, count, duration, flag, idList, optionalText, typeList } from './env-values.js';

const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

const envSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'expected a port number from 0 to 65535')
    .default('3000')
    .transform(Number)
    .refine((port) => port <= 65_535, 'expected a port number from 0 to 65535'),
  DATABASE_URL: z
    .string()
    .trim()
    .default('sqlite:./data/emnify-bot.sqlite')
    .refine((url) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(url), {
      message: 'expected sqlite:<path> or postgres://…',
    }),
  EMNIFY_WEBHOOK_TOKEN: optionalText,
  WEBHOOK_BODY_LIMIT: byteSize,
  NOTIFY_EVENT_TYPES: typeList,
  EMNIFY_PORTAL_URL: z.url({ protocol: /^https?$/ }).default('https://portal.emnify.com'),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_DEFAULT_CHANNEL: optionalText,
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z
    .enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI'])
    .default('SingleTenant'),
  MicrosoftAppTenantId: optionalText,
  TEAMS_LOCAL: flag,
  TEAMS_ALLOWED_TENANTS: idList,
  EMNIFY_APPLICATION_TOKEN: idList,
  EMNIFY_API_URL: z.url({ protocol: /^https?$/ }).default('https://cdn.emnify.net'),
  EMNIFY_BACKFILL: duration('7d', THIRTY_DAYS),
  EMNIFY_POLL_INTERVAL: duration('60s'),
  DIGEST_THRESHOLD: count(5, 1, 10_000),
  DIGEST_WINDOW: duration('5m'),
  DELIVERY_LEASE: duration('60s'),
  DELIVERY_MAX_ATTEMPTS: count(10, 1, 1000),
  SLACK_ADMIN_USERS: idList,
  SLACK_PACE_PER_SECOND: count(1, 0.01, 1000),
  TEAMS_PACE_PER_SECOND: count(1.9, 0.01, 1000),
  TEAMS_ADMIN_USERS: idList,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The typed settings every module receives; nothing else reads the environment. */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  webhookToken?: string;
  webhookBodyLimit: number;
  notifyEventTypes: number[];
  portalUrl: string;
  slack?: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    defaultChannel?: string;
    apiUrl?: string;
    pacePerSecond: number;
  };
  teams?: {
    appId?: string;
    appPassword?: string;
    appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
    tenantId?: string;
    local: boolean;
    allowedTenants: string[];
    pacePerSecond: number;
  };
  emnifyApi: {
    /** One per emnify workspace; EMNIFY_APPLICATION_TOKEN may list several, comma-separated. */
    applicationTokens: string[];
    url: string;
    backfillMs: number;
    pollIntervalMs: number;
  };
  delivery: {
    digestThreshold: number;
    digestWindowMs: number;
    maxAttempts: number;
    leaseMs: number;
  };
  /** Chat user ids allowed to change subscriptions, on-call and retries, per platform. */
  admins: { slack: string[]; teams: string[] };
  logLevel: string;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Parses and checks the settings. Throws a BotError naming the first bad variable,
 * so start-up stops with one line that says what to fix.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const blanksRemoved = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new BotError('config_invalid', `${name}: ${issue?.message ?? 'invalid value'}`);
  }

  const e = parsed.data;
  const config: Config = {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    webhookToken: e.EMNIFY_WEBHOOK_TOKEN,
    webhookBodyLimit: e.WEBHOOK_BODY_LIMIT,
    notifyEventTypes: e.NOTIFY_EVENT_TYPES,
    portalUrl: e.EMNIFY_PORTAL_URL.replace(/\/+$/, ''),
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          defaultChannel: e.SLACK_DEFAULT_CHANNEL,
          apiUrl: e.SLACK_API_URL,
          pacePerSecond: e.SLACK_PACE_PER_SECOND,
        }
      : undefined,
    teams:
      e.MicrosoftAppId || e.TEAMS_LOCAL
        ? {
            appId: e.MicrosoftAppId,
            appPassword: e.MicrosoftAppPassword,
            appType: e.MicrosoftAppType,
            tenantId: e.MicrosoftAppTenantId,
            local: e.TEAMS_LOCAL,
            allowedTenants: e.TEAMS_ALLOWED_TENANTS,
            pacePerSecond: e.TEAMS_PACE_PER_SECOND,
          }
        : undefined,
    emnifyApi: {
      applicationTokens: e.EMNIFY_APPLICATION_TOKEN,
      url: e.EMNIFY_API_URL.replace(/\/+$/, ''),
      backfillMs: e.EMNIFY_BACKFILL,
      pollIntervalMs: e.EMNIFY_POLL_INTERVAL,
    },
    delivery: {
      digestThreshold: e.DIGEST_THRESHOLD,
      digestWindowMs: e.DIGEST_WINDOW,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      leaseMs: e.DELIVERY_LEASE,
    },
    admins: { slack: e.SLACK_ADMIN_USERS, teams: e.TEAMS_ADMIN_USERS },
    logLevel: e.LOG_LEVEL,
  };

  checkCombinations(config, env);
  return config;
}

function checkCombinations(config: Config, env: Record<string, string | undefined>): void {
  if (config.slack && !config.slack.signingSecret && !config.slack.appToken) {
    throw new BotError(
      'config_invalid',
      'SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN ' +
        '(or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!config.slack && env.SLACK_DEFAULT_CHANNEL?.trim()) {
    throw new BotError('config_invalid', 'SLACK_DEFAULT_CHANNEL: set without SLACK_BOT_TOKEN');
  }
  const teams = config.teams;
  if (teams?.appId && teams.appType !== 'UserAssignedMSI' && !teams.appPassword) {
    throw new BotError('config_invalid', 'MicrosoftAppPassword: required with MicrosoftAppId');
  }
  if (teams?.appId && teams.appType === 'SingleTenant' && !teams.tenantId) {
    throw new BotError(
      'config_invalid',
      'MicrosoftAppTenantId: required for a SingleTenant bot (or set MicrosoftAppType)',
    );
  }
  if (config.teams?.local && !isLoopbackHost(config.host)) {
    throw new BotError(
      'config_invalid',
      `TEAMS_LOCAL: runs without Bot Framework auth, so HOST must be loopback, not ${config.host}`,
    );
  }
  if (!config.webhookToken && !isLoopbackHost(config.host)) {
    throw new BotError(
      'config_invalid',
      `EMNIFY_WEBHOOK_TOKEN: required when HOST (${config.host}) is not a loopback address`,
    );
  }
}
