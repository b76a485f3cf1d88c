import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureText } from '../helpers/fixtures.js';
import { eventually, startTestBot, type TestBot } from '../helpers/test-bot.js';

const SAMPLE = fixtureText('streamer-batch.json');
const TOKEN = 's3cret-token';

let bot: TestBot;

beforeEach(async () => {
  bot = await startTestBot({ EMNIFY_WEBHOOK_TOKEN: TOKEN, WEBHOOK_BODY_LIMIT: '1mb' });
});

afterEach(async () => {
  await bot.stop();
});

function post(body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${bot.url}/emnify/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      ...headers,
    },
    body,
  });
}

function notifications(text: string): number {
  return (text.match(/^\[(INFO|WARN|CRIT)\] User (deleted|verified)/gm) ?? []).length;
}

describe('POST /emnify/events with the sample Data Streamer body', () => {
  it('stores 57 events, counts the duplicate and the usage records, notifies each 41 and 46 once', async () => {
    const response = await post(SAMPLE);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      received: 60,
      stored: 57,
      duplicates: 1,
      ignored: 2,
      rejected: [],
    });

    // 8 verifications and 7 distinct deletions in the sample.
    await eventually(() => expect(notifications(bot.printed())).toBe(15));
  });

  it('stores and notifies nothing when the same body comes again', async () => {
    await post(SAMPLE);
    await eventually(() => expect(notifications(bot.printed())).toBe(15));

    const again = await post(SAMPLE);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 58, ignored: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notifications(bot.printed())).toBe(15);
  });

  it('stores an event once when two requests carry it at the same time', async () => {
    const answers = await Promise.all([post(SAMPLE), post(SAMPLE), post(SAMPLE)]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ stored: number }>;
    expect(bodies.map((b) => b.stored).reduce((a, b) => a + b, 0)).toBe(57);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await eventually(() => expect(notifications(bot.printed())).toBe(15));
  });

  it('keeps ids beyond 2^53 distinct and exact', async () => {
    const response = await post(fixtureText('streamer-batch-large-ids.json'));
    expect(await response.json()).toMatchObject({ stored: 3, duplicates: 0 });
    for (const id of ['41285093366214417', '41285093366214418', '9007199254740993']) {
      expect((await bot.bot.events.getEvent(id))?.id).toBe(id);
    }
  });

  it('accepts a single record object', async () => {
    const single = fixtureText('events/41-user-verified.json');
    expect(await (await post(single)).json()).toMatchObject({ received: 1, stored: 1 });
  });

  it('answers an empty array with nothing to do', async () => {
    expect(await (await post('[]')).json()).toEqual({
      received: 0,
      stored: 0,
      duplicates: 0,
      ignored: 0,
      rejected: [],
    });
  });
});

describe('POST /emnify/events with bad records', () => {
  it('quarantines the bad records of a batch and stores the valid ones', async () => {
    const good = JSON.parse(fixtureText('events/46-user-deleted.json'));
    const body = JSON.stringify([good, { id: 5, event_type: { id: 41 } }, 'text', {}]);
    const response = await post(body);
    expect(response.status).toBe(200);

    const result = (await response.json()) as { stored: number; rejected: unknown[] };
    expect(result.stored).toBe(1);
    expect(result.rejected).toEqual([
      { index: 1, error: 'timestamp: required' },
      { index: 2, error: 'record is a string, expected an object' },
      { index: 3, error: expect.stringContaining('id: required') },
    ]);
    expect(await bot.bot.events.countQuarantined()).toBe(3);
  });

  it('stores an unknown type id instead of rejecting it', async () => {
    const response = await post(fixtureText('events/999-unknown-future-type.json'));
    expect(await response.json()).toMatchObject({ stored: 1, rejected: [] });
  });

  it.each([
    ['not JSON', '{"id": 1', 400, 'body_not_json'],
    ['empty', '', 400, 'body_empty'],
    ['null', 'null', 400, 'body_not_records'],
    ['a number', '12', 400, 'body_not_records'],
  ])('answers a body that is %s with %i and a reason', async (_name, body, status, code) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe(code);
    expect(answer.message.length).toBeGreaterThan(5);
  });

  it('answers {} as one rejected record', async () => {
    const answer = await (await post('{}')).json();
    expect(answer).toMatchObject({ received: 1, stored: 0, rejected: [{ index: 0 }] });
  });
});

describe('POST /emnify/events encodings and limits', () => {
  it('takes a gzip body', async () => {
    const response = await post(gzipSync(SAMPLE), { 'content-encoding': 'gzip' });
    expect(await response.json()).toMatchObject({ received: 60, stored: 57 });
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json; charset=UTF-8',
    'application/json;charset="utf8"',
    'application/json',
    'text/plain',
  ])('takes content type %s', async (contentType) => {
    const response = await post(SAMPLE, { 'content-type': contentType });
    expect(response.status).toBe(200);
  });

  it('takes UTF-16 with a byte order mark and a UTF-8 byte order mark', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]);
    expect((await post(utf16)).status).toBe(200);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]);
    expect(await (await post(utf8)).json()).toMatchObject({ received: 60 });
  });

  it('refuses an unsupported content encoding with 415', async () => {
    const response = await post(SAMPLE, { 'content-encoding': 'compress' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'encoding_unsupported' });
  });

  it('refuses a charset that is not Unicode with 415', async () => {
    const response = await post(SAMPLE, { 'content-type': 'application/json; charset=latin1' });
    expect(response.status).toBe(415);
  });

  it('refuses a body over the limit with 413 and stays up', async () => {
    const response = await post(`[${'"x",'.repeat(400_000)}"x"]`);
    expect(response.status).toBe(413);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('refuses a gzip bomb with 413 without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const response = await post(bomb, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });
});

describe('POST /emnify/events authentication', () => {
  it('refuses a missing or wrong token with 401', async () => {
    expect((await post(SAMPLE, { authorization: '' })).status).toBe(401);
    expect((await post(SAMPLE, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(SAMPLE, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
  });

  it('takes the token as the Basic password', async () => {
    const basic = Buffer.from(`emnify:${TOKEN}`).toString('base64');
    expect((await post(SAMPLE, { authorization: `Basic ${basic}` })).status).toBe(200);
    const wrong = Buffer.from(`${TOKEN}:nope`).toString('base64');
    expect((await post(SAMPLE, { authorization: `Basic ${wrong}` })).status).toBe(401);
  });

  it('stores nothing for an unauthenticated request', async () => {
    await post(SAMPLE, { authorization: 'Bearer wrong' });
    expect(await bot.bot.events.getEvent('831652312483047')).toBeUndefined();
  });
});

describe('health, readiness and metrics', () => {
  it('reports ready while the store answers, and counts received records', async () => {
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    await post(SAMPLE);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/emnify_records_received_total\{source="webhook"\} 60/);
    expect(metrics).toMatch(/emnify_events_stored_total\{type="46"\} 7/);
    expect(metrics).toMatch(/emnify_events_duplicate_total 1/);
    expect(metrics).toMatch(/emnify_records_ignored_total 2/);
  });
});
