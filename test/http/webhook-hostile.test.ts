import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureText } from '../helpers/fixtures.js';
import { eventually, startTestBot, type TestBot } from '../helpers/test-bot.js';

// Inputs that once broke the webhook; each kind is kept here so it stays fixed.
let bot: TestBot;

beforeEach(async () => {
  bot = await startTestBot();
});

afterEach(async () => {
  await bot.stop();
});

function post(body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${bot.url}/emnify/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

interface Answer {
  stored: number;
  duplicates: number;
  rejected: Array<{ index: number; error: string }>;
}

async function answerOf(response: Promise<Response>): Promise<Answer> {
  return (await (await response).json()) as Answer;
}

function event(id: string, extra = ''): string {
  return `{"id":${id},"timestamp":"2026-11-19T09:30:00.000Z","event_type":{"id":30}${extra}}`;
}

describe('bodies that could exhaust the process', () => {
  it('refuses more than 10,000 records in one body with 413, before touching the store', async () => {
    const response = await post(`[${Array(10_001).fill('0').join(',')}]`);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'body_too_large' });
  });

  it('answers a body nested 100,000 levels deep with a 4xx, and stays up', async () => {
    const response = await post(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(response.status).toBeLessThan(500);
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
  });

  it('quarantines one deeply nested record and stores its neighbour', async () => {
    const deep = event('1', `,"detail":${'['.repeat(5000)}${']'.repeat(5000)}`);
    const response = await post(`[${deep},${event('2')}]`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      stored: 1,
      rejected: [{ index: 0, error: 'record nests too deeply to store' }],
    });
  });
});

describe('encodings that once gave 500', () => {
  it.each([
    ['a lone UTF-16 byte', Buffer.from([0xff, 0xfe, 0x41]), {}],
    [
      'an odd-length UTF-16 body',
      Buffer.from('[]!', 'utf16le').subarray(0, 5),
      { 'content-type': 'application/json; charset=utf-16' },
    ],
  ])('answers %s with 400', async (_name, body, headers) => {
    expect((await post(body as Buffer, headers as Record<string, string>)).status).toBe(400);
  });

  it('lets a big-endian byte order mark win over charset=utf-16', async () => {
    const text = fixtureText('events/41-user-verified.json');
    const be = Buffer.from(text, 'utf16le').swap16();
    const body = Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
    const response = await post(body, { 'content-type': 'application/json; charset=utf-16' });
    expect(await response.json()).toMatchObject({ stored: 1 });
  });

  it.each(['unicode11utf8', 'us-ascii', 'utf16', 'ucs-2'])('takes charset=%s', async (charset) => {
    const text = fixtureText('events/41-user-verified.json');
    const body =
      charset.includes('16') || charset === 'ucs-2' ? Buffer.from(text, 'utf16le') : text;
    const response = await post(body, { 'content-type': `application/json; charset=${charset}` });
    expect(response.status).toBe(200);
  });

  it('takes Content-Encoding: x-gzip as gzip', async () => {
    const body = gzipSync(fixtureText('events/41-user-verified.json'));
    expect((await post(body, { 'content-encoding': 'x-gzip' })).status).toBe(200);
  });
});

describe('ids and times', () => {
  it('reads 8500001 and "08500001" as one event', async () => {
    const answer = await answerOf(post(`[${event('8500001')},${event('"08500001"')}]`));
    expect(answer).toMatchObject({ stored: 1, duplicates: 1 });
  });

  it('rejects ids beyond 64 bits', async () => {
    const body = `[${event('18446744073709551616')},${event('"99999999999999999999"')}]`;
    const answer = await answerOf(post(body));
    expect(answer.stored).toBe(0);
    expect(answer.rejected).toHaveLength(2);
  });

  it('rejects a date that does not exist instead of moving it', async () => {
    const body = event('5').replace('2026-11-19T09:30:00.000Z', '2026-02-30T00:00:00Z');
    const answer = await answerOf(post(body));
    expect(answer.rejected[0]?.error).toMatch(/unrecognised timestamp "2026-02-30/);
  });
});

describe('hostile values inside a stored event', () => {
  it('notifies and answers recent for a deletion whose detail holds objects instead of names', async () => {
    const body =
      '{"timestamp":"2026-11-19T09:30:00.000Z","id":1,"event_type":{"id":46},' +
      '"organisation":{"id":5,"name":"Acme"},' +
      '"detail":{"user":{"username":{"toString":"x"},"id":{"toString":"x"}}}}';
    expect(await (await post(body)).json()).toMatchObject({ stored: 1 });
    await eventually(() =>
      expect(bot.printed()).toContain('an account was deleted by someone in Acme'),
    );

    const reply = await bot.bot.commands('recent --since 3650d', { platform: 'cli' });
    expect(reply.report?.organisations[0]?.entries[0]?.user).toBe('unknown');
  });

  it('keeps /metrics bounded when events bring thousands of unknown type ids', async () => {
    const records = Array.from(
      { length: 300 },
      (_, i) =>
        `{"id":${i + 1},"timestamp":"2026-11-19T09:30:00.000Z","event_type":{"id":${100_000 + i}}}`,
    );
    await post(`[${records.join(',')}]`);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toContain('emnify_events_stored_total{type="other"} 300');
    expect(metrics).not.toContain('type="100000"');
  });

  it('finds an organisation whose name holds % and _', async () => {
    const body = event('9', ',"organisation":{"id":77,"name":"50% Rabatt_Shop GmbH"}');
    await post(body);
    const reply = await bot.bot.commands('recent "50% rabatt_shop"', { platform: 'cli' });
    expect(reply.message.title).not.toBe('Unknown organisation');
    const wildcard = await bot.bot.commands('recent "50_ Rabatt"', { platform: 'cli' });
    expect(wildcard.message.title).toBe('Unknown organisation');
  });
});
