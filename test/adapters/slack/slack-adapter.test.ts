import { isValidSlackRequest } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bot } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { OutboxStore } from '../../../src/store/outbox-store.js';
import { FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { blockKitProblems, mrkdwnTexts } from '../../helpers/block-kit.js';
import { fixtureText } from '../../helpers/fixtures.js';
import {
  postSignedToSlack,
  slackSignature,
  slashCommandBody,
} from '../../helpers/slack-signing.js';
import { eventually, startTestBot, type TestBot, tempDatabaseUrl } from '../../helpers/test-bot.js';

const SECRET = 'test-signing-secret';
const CHANNEL = 'C0NOTIFY';
let slack: FakeSlackApi;
let bot: TestBot;

beforeEach(async () => {
  slack = new FakeSlackApi();
  await slack.start();
  bot = await startTestBot({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_PACE_PER_SECOND: '100',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_DEFAULT_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  });
});

afterEach(async () => {
  await bot.stop();
  await slack.stop();
});

function postSample() {
  return fetch(`${bot.url}/emnify/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: fixtureText('streamer-batch.json'),
  });
}

function slashCommand(text: string, sign: { secret?: string; ageSeconds?: number } = {}) {
  const body = slashCommandBody(text, `${slack.url}/respond/1`);
  return postSignedToSlack(bot.url, sign.secret ?? SECRET, body, sign.ageSeconds);
}

describe('Slack notifications', () => {
  it('posts one valid Block Kit message per new type 41 and 46 event to the channel', async () => {
    expect((await postSample()).status).toBe(200);
    await eventually(() => expect(slack.posted()).toHaveLength(15));

    for (const posted of slack.posted()) {
      expect(posted.channel).toBe(CHANNEL);
      expect(blockKitProblems(posted)).toEqual([]);
    }
    const headers = slack.posted().map((p) => JSON.stringify((p.blocks as unknown[])[0]));
    expect(headers.filter((h) => h.includes('User deleted'))).toHaveLength(7);
    expect(headers.filter((h) => h.includes('User verified'))).toHaveLength(8);
  });

  it('posts nothing twice when the same body arrives again', async () => {
    await postSample();
    await eventually(() => expect(slack.posted()).toHaveLength(15));
    await postSample();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(slack.posted()).toHaveLength(15);
  });

  it('keeps a notification through a Slack outage and posts it once Slack answers', async () => {
    let down = true;
    slack.behaviour = (call) =>
      down && call.method === 'chat.postMessage' ? { status: 503, body: 'unavailable' } : undefined;
    await fetch(`${bot.url}/emnify/events`, {
      method: 'POST',
      body: fixtureText('events/41-user-verified.json'),
    });
    await eventually(() => expect(slack.refused.length).toBeGreaterThan(1));
    expect(slack.posted()).toHaveLength(0);

    down = false;
    await eventually(async () => {
      const counts = await new OutboxStore(bot.bot.db, 'sqlite').countByStatus();
      expect(counts).toEqual({ done: 1 });
    }, 8000);
  });

  it('stops retrying a channel Slack says does not exist', async () => {
    slack.behaviour = (call) =>
      call.method === 'chat.postMessage'
        ? { status: 200, body: { ok: false, error: 'channel_not_found' } }
        : undefined;
    await fetch(`${bot.url}/emnify/events`, {
      method: 'POST',
      body: fixtureText('events/46-user-deleted.json'),
    });
    await eventually(async () => {
      expect(await new OutboxStore(bot.bot.db, 'sqlite').countByStatus()).toEqual({ dead: 1 });
    });
    expect(slack.refused.filter((call) => call.method === 'chat.postMessage')).toHaveLength(1);
  });
});

describe('/emnify-users slash command', () => {
  it('acknowledges at once and answers the two Copperleaf deletions through response_url', async () => {
    await postSample();
    const started = Date.now();
    const response = await slashCommand('recent deleted Copperleaf --since 2026-11-03');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1500);

    await eventually(() => expect(slack.responses).toHaveLength(1));
    const reply = slack.responses[0]?.body ?? {};
    expect(reply.response_type).toBe('ephemeral');
    expect(blockKitProblems(reply)).toEqual([]);
    const texts = mrkdwnTexts(reply).join('\n');
    expect(texts).toContain('owen.fletcher@copperleaf.example.org deleted by Priya Raman');
    expect(texts).toContain('temp.contractor@copperleaf.example.org deleted by Priya Raman');
    expect(texts).toContain('Copperleaf Agritech Ltd');
    expect(texts).toContain('2 deleted');
  });

  it('answers in the channel when asked for --public', async () => {
    await slashCommand('recent --public');
    await eventually(() => expect(slack.responses).toHaveLength(1));
    expect(slack.responses[0]?.body.response_type).toBe('in_channel');
  });

  it.each([
    ['help', /commands/],
    ['', /commands/],
    ['frobnicate', /don't know the command "frobnicate"/],
    ['recent --since someday', /--since takes a duration/],
  ])('explains the grammar for %j, never silence', async (text, expected) => {
    expect((await slashCommand(text)).status).toBe(200);
    await eventually(() => expect(slack.responses).toHaveLength(1));
    const reply = slack.responses[0]?.body ?? {};
    const all = `${String(reply.text)}\n${mrkdwnTexts(reply).join('\n')}`;
    expect(all).toMatch(expected);
    expect(all).toContain('recent [deleted|verified]');
  });

  it('refuses an unsigned request, a wrong signature and an old timestamp with 401', async () => {
    const body = slashCommandBody('recent', `${slack.url}/respond/1`);
    const unsigned = await fetch(`${bot.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect((await slashCommand('recent', { secret: 'other-secret' })).status).toBe(401);
    expect((await slashCommand('recent', { ageSeconds: 6 * 60 })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.responses).toHaveLength(0);
  });
});

describe('Slack request signatures', () => {
  // Slack's published example of the v0 signing scheme.
  const example = {
    secret: '8f742231b10e8888abcd99yyyzzz85a5',
    timestamp: 1531420618,
    body:
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&' +
      'channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&' +
      'command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F' +
      'T1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.' +
      '803a0bc887a14d10d2c447fce8b6703c',
    signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  };

  it('accepts the published example when checked at its own time', () => {
    expect(slackSignature(example.secret, example.timestamp, example.body)).toBe(example.signature);
    expect(
      isValidSlackRequest({
        signingSecret: example.secret,
        body: example.body,
        headers: {
          'x-slack-signature': example.signature,
          'x-slack-request-timestamp': example.timestamp,
        },
        nowMilliseconds: example.timestamp * 1000 + 10_000,
      }),
    ).toBe(true);
  });

  it('rejects the example signed over different bytes or checked too late', () => {
    const check = (body: string, now: number) =>
      isValidSlackRequest({
        signingSecret: example.secret,
        body,
        headers: {
          'x-slack-signature': example.signature,
          'x-slack-request-timestamp': example.timestamp,
        },
        nowMilliseconds: now,
      });
    expect(check(`${example.body}x`, example.timestamp * 1000)).toBe(false);
    expect(check(example.body, (example.timestamp + 6 * 60) * 1000)).toBe(false);
  });
});

describe('Slack at start-up', () => {
  it('stops with a clear reason when the Slack API refuses the token', async () => {
    const refusing = new FakeSlackApi();
    refusing.behaviour = () => ({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    await refusing.start();
    const config = loadConfig({
      DATABASE_URL: tempDatabaseUrl(),
      PORT: '0',
      SLACK_BOT_TOKEN: 'xoxb-bad',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: refusing.apiUrl,
    });
    const failing = await Bot.create({ config, log: createLogger('silent'), out: process.stdout });
    await expect(failing.start()).rejects.toThrow(
      /refused the token \(invalid_auth\).*SLACK_BOT_TOKEN/,
    );
    await failing.stop();
    await refusing.stop();
  });

  it('stops with a clear reason when the Slack API is unreachable', async () => {
    const config = loadConfig({
      DATABASE_URL: tempDatabaseUrl(),
      PORT: '0',
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    const failing = await Bot.create({ config, log: createLogger('silent'), out: process.stdout });
    await expect(failing.start()).rejects.toThrow(/is unreachable.*SLACK_API_URL/);
    await failing.stop();
  });
});
