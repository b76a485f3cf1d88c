import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../../src/store/conversation-store.js';
import { OutboxStore } from '../../../src/store/outbox-store.js';
import { FakeBotConnector, mentionMessage, teamsActivity } from '../../fakes/fake-bot-connector.js';
import { FakeSlackApi } from '../../fakes/fake-slack-api.js';
import { fixtureText } from '../../helpers/fixtures.js';
import { eventually, startTestBot, type TestBot } from '../../helpers/test-bot.js';

const CONVERSATION = '19:ops-channel@thread.tacv2';
let connector: FakeBotConnector;
let bot: TestBot;

async function sendActivity(activity: Record<string, unknown>): Promise<Response> {
  return fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
}

async function install(conversationId = CONVERSATION): Promise<void> {
  const response = await sendActivity(
    teamsActivity(connector.url, conversationId, { type: 'installationUpdate', action: 'add' }),
  );
  expect(response.status).toBeLessThan(300);
}

function postSample() {
  return fetch(`${bot.url}/emnify/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: fixtureText('streamer-batch.json'),
  });
}

function cards(conversationId = CONVERSATION) {
  return connector
    .sentTo(conversationId)
    .flatMap(
      (activity) => (activity.attachments as Array<{ content: Record<string, unknown> }>) ?? [],
    )
    .map((attachment) => attachment.content);
}

function cardText(card: Record<string, unknown>): string {
  return JSON.stringify(card);
}

describe('Teams in local mode with a fake connector', () => {
  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    bot = await startTestBot({ TEAMS_LOCAL: 'true', TEAMS_PACE_PER_SECOND: '100' });
  });

  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  it('posts one Adaptive Card per new type 41 and 46 event to an installed conversation', async () => {
    await install();
    await postSample();
    await eventually(() => expect(cards()).toHaveLength(15));

    const all = cards();
    expect(all.every((card) => card.type === 'AdaptiveCard' && card.version === '1.5')).toBe(true);
    expect(all.filter((card) => cardText(card).includes('User deleted'))).toHaveLength(7);
    const activity = connector.sentTo(CONVERSATION)[0] ?? {};
    expect(String(activity.summary)).toMatch(/^User (deleted|verified) in /);

    await postSample();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(cards()).toHaveLength(15);
  });

  it('answers a mention with the two Copperleaf deletions', async () => {
    await postSample();
    const message = mentionMessage(
      connector.url,
      CONVERSATION,
      'recent deleted Copperleaf --since 2026-11-03',
    );
    expect((await sendActivity(message)).status).toBeLessThan(300);

    const reply = connector.calls.find((call) => call.path.endsWith(`/activities/${message.id}`));
    const text = JSON.stringify(reply?.body);
    expect(text).toContain('owen.fletcher@copperleaf.example.org deleted by Priya Raman');
    expect(text).toContain('temp.contractor@copperleaf.example.org deleted by Priya Raman');
    expect(text).toContain('2 deleted');
  });

  it('answers anything it does not understand with the help card', async () => {
    const message = mentionMessage(connector.url, CONVERSATION, 'what can you do');
    await sendActivity(message);
    const reply = connector.calls.find((call) => call.path.endsWith(`/activities/${message.id}`));
    // Card text is markdown-escaped; read it back without the escapes.
    const text = JSON.stringify(reply?.body).replace(/\\\\/g, '');
    expect(text).toContain('recent [deleted|verified]');
    expect(text).toContain('know the command');
  });

  it('takes a personal-chat command as typed, without a mention', async () => {
    const message = teamsActivity(connector.url, 'a:personal-1', {
      type: 'message',
      text: 'users help',
      conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: 'tenant-1' },
    });
    await sendActivity(message);
    const reply = connector.calls.find((call) => call.path.endsWith(`/activities/${message.id}`));
    expect(JSON.stringify(reply?.body)).toContain('emnify users: commands');
  });

  it('stops posting to a conversation the bot was removed from', async () => {
    await install();
    await sendActivity(
      teamsActivity(connector.url, CONVERSATION, { type: 'installationUpdate', action: 'remove' }),
    );
    await postSample();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(cards()).toHaveLength(0);
    expect(await new ConversationStore(bot.bot.db).listActive('teams')).toEqual([]);
  });
});

describe('Teams and Slack side by side', () => {
  let slack: FakeSlackApi;

  beforeEach(async () => {
    connector = new FakeBotConnector();
    slack = new FakeSlackApi();
    await Promise.all([connector.start(), slack.start()]);
    bot = await startTestBot({
      TEAMS_LOCAL: 'true',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_PACE_PER_SECOND: '100',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_DEFAULT_CHANNEL: 'C0NOTIFY',
      SLACK_API_URL: slack.apiUrl,
    });
  });

  afterEach(async () => {
    await bot.stop();
    await Promise.all([connector.stop(), slack.stop()]);
  });

  it('marks a conversation inactive on a 403 and keeps delivering to Slack', async () => {
    await install();
    connector.failWith = (call) => (call.method === 'POST' ? 403 : undefined);
    await fetch(`${bot.url}/emnify/events`, {
      method: 'POST',
      body: fixtureText('events/46-user-deleted.json'),
    });
    await eventually(async () => {
      expect(await new ConversationStore(bot.bot.db).listActive('teams')).toEqual([]);
      expect(slack.posted()).toHaveLength(1);
    });
    const attempts = connector.calls.filter((call) => call.method === 'POST').length;

    await fetch(`${bot.url}/emnify/events`, {
      method: 'POST',
      body: fixtureText('events/41-user-verified.json'),
    });
    await eventually(() => expect(slack.posted()).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connector.calls.filter((call) => call.method === 'POST')).toHaveLength(attempts);
    expect(await new OutboxStore(bot.bot.db, 'sqlite').countByStatus()).toEqual({
      done: 2,
      dead: 1,
    });
  });
});

describe('Teams with Bot Framework authentication', () => {
  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    bot = await startTestBot({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000aa',
    });
  });

  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  it('refuses a request without a valid token with 401 and reaches no handler', async () => {
    const noToken = await sendActivity(
      teamsActivity(connector.url, CONVERSATION, { type: 'installationUpdate', action: 'add' }),
    );
    expect(noToken.status).toBe(401);

    const forged = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' },
      body: JSON.stringify(mentionMessage(connector.url, CONVERSATION, 'recent')),
    });
    expect(forged.status).toBe(401);

    expect(await new ConversationStore(bot.bot.db).listActive('teams')).toEqual([]);
    expect(connector.calls).toHaveLength(0);
  });
});

describe('Teams on-call and Acknowledge', () => {
  beforeEach(async () => {
    connector = new FakeBotConnector();
    await connector.start();
    bot = await startTestBot({
      TEAMS_LOCAL: 'true',
      TEAMS_PACE_PER_SECOND: '100',
      TEAMS_ADMIN_USERS: 'aad-user-1',
    });
  });

  afterEach(async () => {
    await bot.stop();
    await connector.stop();
  });

  it('mentions the on-call in warning cards and updates the card on the first Acknowledge', async () => {
    await install();
    const oncall = mentionMessage(connector.url, CONVERSATION, 'oncall <at>Erik Haugen</at>');
    (oncall.entities as unknown[]).push({
      type: 'mention',
      mentioned: { id: '29:erik', name: 'Erik Haugen' },
      text: '<at>Erik Haugen</at>',
    });
    await sendActivity(oncall);
    expect(JSON.stringify(connector.calls.at(-1)?.body)).toContain('On-call set');

    await fetch(`${bot.url}/emnify/events`, {
      method: 'POST',
      body: fixtureText('events/46-user-deleted.json'),
    });
    const deletionCards = () => cards().filter((c) => cardText(c).includes('User deleted'));
    await eventually(() => expect(deletionCards()).toHaveLength(1));
    const card = deletionCards()[0] ?? {};
    expect(JSON.stringify(card.body)).toContain('<at>Erik Haugen</at>');
    expect(card.msteams).toEqual({
      entities: [
        {
          type: 'mention',
          text: '<at>Erik Haugen</at>',
          mentioned: { id: '29:erik', name: 'Erik Haugen' },
        },
      ],
    });
    const submit = (card.actions as Array<{ type: string; data?: { key: string } }>).find(
      (action) => action.type === 'Action.Submit',
    );
    expect(submit?.data?.key).toMatch(/^o:\d+$/);

    const click = teamsActivity(connector.url, CONVERSATION, {
      type: 'message',
      replyToId: 'activity-9',
      value: { action: 'ack', key: submit?.data?.key },
      from: { id: '29:erik', name: 'Erik Haugen' },
    });
    await sendActivity(click);
    const update = connector.calls.find((call) => call.method === 'PUT');
    expect(update?.path).toContain('/activities/activity-9');
    expect(JSON.stringify(update?.body)).toContain('Acknowledged by Erik Haugen');
    expect(JSON.stringify(update?.body)).not.toContain('<at>Erik Haugen</at>');

    await sendActivity({ ...click, id: 'second-click', from: { id: '29:jana', name: 'Jana' } });
    expect(JSON.stringify(connector.calls.at(-1)?.body)).toContain(
      'Already acknowledged by Erik Haugen',
    );
  });
});
