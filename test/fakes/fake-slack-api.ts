import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../helpers/net.js';

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
}

/** What the fake answers to one call; `undefined` means the normal success. */
export type Behaviour = (
  call: RecordedCall,
) => { status: number; headers?: Record<string, string>; body: unknown } | undefined;

/**
 * A stand-in for the Slack Web API on 127.0.0.1: records every call, answers like Slack,
 * and also takes the `response_url` posts of slash commands under /respond/.
 */
export class FakeSlackApi {
  /** Calls Slack accepted. */
  readonly calls: RecordedCall[] = [];
  /** Calls answered with an error (status, or ok:false). */
  readonly refused: Array<RecordedCall & { status: number }> = [];
  readonly responses: Array<{ path: string; body: Record<string, unknown> }> = [];
  behaviour: Behaviour = () => undefined;
  /** Milliseconds each Web API call takes, to leave deliveries in flight. */
  delayMs = 0;
  private server?: Server;
  private ts = 1_700_000_000;

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Posted messages, optionally for one method only. */
  posted(method = 'chat.postMessage'): Array<Record<string, unknown>> {
    return this.calls.filter((call) => call.method === method).map((call) => call.body);
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const body = parseBody(raw, req.headers['content-type'] ?? '');
      const path = req.url ?? '/';

      if (path.startsWith('/respond/')) {
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        this.responses.push({ path, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }

      const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
      const call = { method, body };
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const answer = this.behaviour(call) ?? { status: 200, body: this.success(call) };
      // Only calls Slack accepted count as sent.
      if (answer.status === 200 && (answer.body as { ok?: boolean })?.ok !== false) {
        this.calls.push(call);
      } else {
        this.refused.push({ ...call, status: answer.status });
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private success(call: RecordedCall): unknown {
    if (call.method === 'auth.test') {
      return { ok: true, team_id: 'T0001', user_id: 'U0BOT', bot_id: 'B0001', url: 'x' };
    }
    this.ts += 1;
    return { ok: true, channel: call.body.channel, ts: `${this.ts}.000100` };
  }
}

// The Web API client sends forms whose object values are JSON text; decode them back.
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw);

  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return out;
}
