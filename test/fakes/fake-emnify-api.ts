import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseLossless } from 'lossless-json';
import { normaliseTimestamp } from '../../src/events/timestamp.js';
import { readBody } from '../helpers/net.js';

interface StoredEvent {
  text: string;
  id: bigint;
  time: string;
  type: number;
}

export interface FakeEmnifyOptions {
  applicationToken: string;
  /** Lifetime of issued auth tokens. */
  tokenTtlMs?: number;
  /** The most events a page holds, whatever per_page asks for. */
  maxPerPage?: number;
}

/**
 * A stand-in for the emnify REST API on 127.0.0.1: authenticate issuing short-lived JWTs,
 * `GET /api/v1/event` with `q` (type, from, until), `sort`, `page`/`per_page` and the real
 * paging headers; 401 for an expired token; scripted 429s; a hook that runs between pages.
 */
export class FakeEmnifyApi {
  readonly events: StoredEvent[] = [];
  readonly requests: Array<{ path: string; status: number }> = [];
  authentications = 0;
  /** Answer the next N event requests with 429 and this Retry-After (seconds). */
  rateLimit = { next: 0, retryAfter: '1' };
  /** Runs after a page is served, e.g. to insert events while a scan is in progress. */
  afterPage?: (page: number) => void;
  private readonly tokens = new Map<string, number>();
  private server?: Server;

  constructor(private readonly options: FakeEmnifyOptions) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port}`;
  }

  /** Adds events from their JSON text, keeping their ids exact. */
  add(...texts: string[]): void {
    for (const text of texts) {
      // Parsed losslessly: the fake must keep ids beyond 2^53 apart, as emnify does.
      const parsed = parseLossless(text) as {
        id: { toString(): string };
        timestamp: string;
        event_type: { id: { toString(): string } };
      };
      this.events.push({
        text,
        id: BigInt(parsed.id.toString()),
        time: normaliseTimestamp(parsed.timestamp) ?? parsed.timestamp,
        type: Number(parsed.event_type.id.toString()),
      });
    }
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const answer = await this.handle(req);
      this.requests.push({ path: req.url ?? '', status: answer.status });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname === '/api/v1/authenticate') {
      const body = JSON.parse(await readBody(req)) as { application_token?: string };
      if (body.application_token !== this.options.applicationToken) {
        return json(401, { message: 'Invalid application token' });
      }
      this.authentications += 1;
      return json(200, { auth_token: this.issueToken() });
    }

    if (req.method === 'GET' && url.pathname === '/api/v1/event') {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const expires = this.tokens.get(token);
      if (!expires || expires < Date.now()) return json(401, { message: 'Token expired' });
      if (this.rateLimit.next > 0) {
        this.rateLimit.next -= 1;
        return {
          ...json(429, { message: 'Too many requests' }),
          headers: { 'Retry-After': this.rateLimit.retryAfter },
        };
      }
      return this.eventPage(url);
    }
    return json(404, { message: 'not found' });
  }

  private eventPage(url: URL) {
    const filter = parseQ(url.searchParams.get('q') ?? '');
    const sort = url.searchParams.get('sort') ?? 'id';
    const page = Number(url.searchParams.get('page') ?? '1');
    const asked = Number(url.searchParams.get('per_page') ?? '100');
    const perPage = Math.min(asked, this.options.maxPerPage ?? asked);

    const matching = this.events
      .filter((e) => !filter.types || filter.types.includes(e.type))
      .filter((e) => !filter.from || e.time >= filter.from)
      .filter((e) => !filter.until || e.time <= filter.until)
      .sort(comparator(sort));
    const totalPages = Math.max(1, Math.ceil(matching.length / perPage));
    const slice = matching.slice((page - 1) * perPage, page * perPage);
    const body = `[${slice.map((e) => e.text).join(',')}]`;
    this.afterPage?.(page);

    return {
      status: 200,
      body,
      headers: {
        'X-Current-Page': String(page),
        'X-Total-Pages': String(totalPages),
        'X-Total-Count': String(matching.length),
        'X-Count-Per-Page': String(perPage),
        Link: `<${url.pathname}?page=${Math.min(page + 1, totalPages)}>;rel="next"`,
      },
    };
  }

  /** Forgets every issued token, as if they had been revoked. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private issueToken(): string {
    const expiresAt = Date.now() + (this.options.tokenTtlMs ?? 60_000);
    const exp = Math.ceil(expiresAt / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = part({ exp, sub: 'fake', n: this.authentications });
    const token = `${part({ alg: 'HS512' })}.${claims}.signature`;
    this.tokens.set(token, expiresAt);
    return token;
  }
}

function parseQ(q: string): { types?: number[]; from?: string; until?: string } {
  const out: { types?: number[]; from?: string; until?: string } = {};
  for (const part of q.split(',').filter(Boolean)) {
    const colon = part.indexOf(':');
    const key = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (key === 'type') out.types = value.split('|').map(Number);
    if (key === 'from') out.from = normaliseTimestamp(value);
    if (key === 'until') out.until = normaliseTimestamp(value);
  }
  return out;
}

function comparator(sort: string) {
  const descending = sort.startsWith('-');
  const field = sort.replace(/^-/, '').split(',')[0];
  return (a: StoredEvent, b: StoredEvent) => {
    const byId = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    const primary = field === 'timestamp' ? a.time.localeCompare(b.time) : byId;
    const order = primary !== 0 ? primary : byId;
    return descending ? -order : order;
  };
}

function json(status: number, value: unknown) {
  return { status, body: JSON.stringify(value), headers: {} as Record<string, string> };
}
