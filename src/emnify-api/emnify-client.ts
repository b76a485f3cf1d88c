import { setTimeout as sleep } from 'node:timers/promises';
import { parseJsonExact } from '../events/parse-body.js';
import type { Logger } from '../observability/logger.js';
import { jwtExpiresAt } from './jwt-expiry.js';

export interface EmnifyClientOptions {
  baseUrl: string;
  applicationToken: string;
  log: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Ask for a new auth token this long before the current one expires. */
  refreshMarginMs?: number;
}

export interface EventPageQuery {
  from: string;
  until: string;
  page: number;
  perPage: number;
}

export interface EventPage {
  records: unknown[];
  page: number;
  totalPages: number;
  totalCount: number;
}

/** A failed emnify API call; `status` is the HTTP status when there was an answer. */
export class EmnifyApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmnifyApiError';
  }
}

/** `2026-11-03T12:00:00Z`: the only spelling the API's `from`/`until` filter takes. */
export function apiTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/**
 * The emnify REST API with an application token: authenticates, keeps the auth token until
 * shortly before its `exp`, re-authenticates once on a 401, and waits out 429 and 5xx answers.
 */
export class EmnifyClient {
  private authToken?: string;
  private expiresAt = 0;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: EmnifyClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** One page of `GET /api/v1/event`, oldest first, with its paging headers read. */
  async eventPage(query: EventPageQuery): Promise<EventPage> {
    const params = new URLSearchParams({
      page: String(query.page),
      per_page: String(query.perPage),
      sort: 'timestamp',
      q: `from:${apiTime(query.from)},until:${apiTime(query.until)}`,
    });
    const response = await this.authorised(`/api/v1/event?${params}`);
    const records = parseJsonExact(await response.text());
    if (!Array.isArray(records)) {
      throw new EmnifyApiError('GET /api/v1/event did not answer a JSON array', response.status);
    }

    const header = (name: string) => Number(response.headers.get(name));
    const totalPages = header('x-total-pages');
    return {
      records,
      page: header('x-current-page') || query.page,
      totalPages: Number.isFinite(totalPages) ? totalPages : query.page,
      totalCount: header('x-total-count') || records.length,
    };
  }

  private async authorised(path: string): Promise<Response> {
    let token = await this.token();
    let response = await this.request(path, { headers: { authorization: `Bearer ${token}` } });

    if (response.status === 401) {
      // The token may have been revoked or expired early: ask once more, then give up.
      this.authToken = undefined;
      token = await this.token();
      response = await this.request(path, { headers: { authorization: `Bearer ${token}` } });
    }
    if (!response.ok) {
      throw new EmnifyApiError(
        `GET ${path.split('?')[0]} answered ${response.status}`,
        response.status,
      );
    }
    return response;
  }

  private async token(): Promise<string> {
    const margin = this.options.refreshMarginMs ?? 60_000;
    if (this.authToken && Date.now() < this.expiresAt - margin) return this.authToken;

    const response = await this.request('/api/v1/authenticate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application_token: this.options.applicationToken }),
    });
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? ': check EMNIFY_APPLICATION_TOKEN'
          : '';
      throw new EmnifyApiError(
        `authentication answered ${response.status}${hint}`,
        response.status,
      );
    }

    const body = (await response.json()) as { auth_token?: unknown };
    if (typeof body.auth_token !== 'string') {
      throw new EmnifyApiError('authentication answered without an auth_token');
    }
    this.authToken = body.auth_token;
    this.expiresAt = jwtExpiresAt(body.auth_token);
    this.options.log.debug({ expiresAt: new Date(this.expiresAt).toISOString() }, 'emnify token');
    return body.auth_token;
  }

  /** One HTTP call with a timeout, retried on 429 (after Retry-After), 5xx and network errors. */
  private async request(path: string, init: RequestInit): Promise<Response> {
    const attempts = this.options.maxAttempts ?? 5;
    const url = `${this.options.baseUrl}${path}`;

    for (let attempt = 1; ; attempt += 1) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await this.fetch(url, {
          ...init,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        failure = error;
      }

      const retryable = !response || response.status === 429 || response.status >= 500;
      if (!retryable && response) return response;
      if (attempt >= attempts) {
        if (response) return response;
        throw new EmnifyApiError(
          `${url.split('?')[0]} unreachable: ${(failure as Error)?.message}`,
          undefined,
          {
            cause: failure,
          },
        );
      }

      const wait = waitBefore(attempt, response);
      this.options.log.warn(
        { path: path.split('?')[0], status: response?.status, attempt, waitMs: wait },
        'emnify API call will be retried',
      );
      await response?.body?.cancel();
      await sleep(wait);
    }
  }
}

/** Retry-After in seconds or as an HTTP date; otherwise exponential backoff with jitter. */
function waitBefore(attempt: number, response: Response | undefined): number {
  const header = response?.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const base = Math.min(500 * 2 ** (attempt - 1), 30_000);
  return base / 2 + Math.random() * (base / 2);
}
