import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: 'sqlite:./data/emnify-bot.sqlite',
      notifyEventTypes: [41, 46],
      emnifyApi: {
        url: 'https://cdn.emnify.net',
        backfillMs: 7 * 86_400_000,
        pollIntervalMs: 60_000,
      },
    });
    expect(config.slack).toBeUndefined();
    expect(config.teams).toBeUndefined();
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', SLACK_BOT_TOKEN: ' ' }).port).toBe(3000);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: expected sqlite/],
    [{ NOTIFY_EVENT_TYPES: '41,abc' }, /^NOTIFY_EVENT_TYPES: /],
    [{ EMNIFY_BACKFILL: '45d' }, /^EMNIFY_BACKFILL: must be at most 30d/],
    [{ EMNIFY_POLL_INTERVAL: 'often' }, /^EMNIFY_POLL_INTERVAL: expected a duration/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ HOST: '0.0.0.0' }, /^EMNIFY_WEBHOOK_TOKEN: required when HOST/],
    [{ HOST: '0.0.0.0', EMNIFY_WEBHOOK_TOKEN: 't', TEAMS_LOCAL: 'true' }, /^TEAMS_LOCAL: /],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET: required/],
    [{ SLACK_API_URL: 'not a url', SLACK_BOT_TOKEN: 'x' }, /^SLACK_API_URL: /],
    [{ PORT: '0x10' }, /^PORT: expected a port number/],
    [{ PORT: '1e3' }, /^PORT: /],
    [{ NOTIFY_EVENT_TYPES: '0x29,1e1' }, /^NOTIFY_EVENT_TYPES: /],
    [{ NOTIFY_EVENT_TYPES: ',,,' }, /^NOTIFY_EVENT_TYPES: /],
    [{ WEBHOOK_BODY_LIMIT: '0' }, /^WEBHOOK_BODY_LIMIT: must be between/],
    [{ WEBHOOK_BODY_LIMIT: '99999999999999999999mb' }, /^WEBHOOK_BODY_LIMIT: /],
    [{ EMNIFY_PORTAL_URL: 'javascript:alert(1)' }, /^EMNIFY_PORTAL_URL: /],
    [{ MicrosoftAppId: 'x', MicrosoftAppPassword: 'y' }, /^MicrosoftAppTenantId: required/],
    [{ MicrosoftAppId: 'x' }, /^MicrosoftAppPassword: required/],
    [{ SLACK_PACE_PER_SECOND: 'fast' }, /^SLACK_PACE_PER_SECOND: expected a number from/],
    [{ DELIVERY_MAX_ATTEMPTS: '-3' }, /^DELIVERY_MAX_ATTEMPTS: expected a number from 1 to 1000/],
    [{ SLACK_DEFAULT_CHANNEL: 'C0123' }, /^SLACK_DEFAULT_CHANNEL: set without SLACK_BOT_TOKEN/],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('listens beyond loopback only with a webhook token', () => {
    expect(loadConfig({ HOST: '0.0.0.0', EMNIFY_WEBHOOK_TOKEN: 'secret' }).host).toBe('0.0.0.0');
  });
});
