import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  body: Record<string, unknown>;
}

/**
 * A stand-in for the Bot Framework Connector on 127.0.0.1: records every activity the bot
 * sends to /v3/conversations/… and answers with an activity id.
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  /** Return a status to fail a call, or undefined to accept it. */
  failWith: (call: ConnectorCall) => number | undefined = () => undefined;
  private server?: Server;
  private sequence = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    return `http://127.0.0.1:${address?.port}`;
  }

  /** Activities sent to one conversation, newest last. */
  sentTo(conversationId: string): Array<Record<string, unknown>> {
    return this.calls
      .filter((call) => call.conversationId === conversationId && call.method === 'POST')
      .map((call) => call.body);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const match = /^\/v3\/conversations\/([^/]+)/.exec(path);
        const call = {
          method: req.method ?? 'GET',
          path,
          conversationId: decodeURIComponent(match?.[1] ?? ''),
          body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        };
        this.calls.push(call);

        const status = this.failWith(call);
        if (status) {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Failed', message: `fake ${status}` } }));
          return;
        }
        this.sequence += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `activity-${this.sequence}` }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export const BOT = { id: '28:bot-id', name: 'emnify' };
export const TENANT = 'tenant-1';

/** An activity as Teams posts it to /api/messages, pointing back at the fake connector. */
export function teamsActivity(
  serviceUrl: string,
  conversationId: string,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id: `incoming-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user-1', name: 'Jana Keller', aadObjectId: 'aad-user-1' },
    recipient: BOT,
    conversation: {
      id: conversationId,
      conversationType: 'channel',
      tenantId: TENANT,
      isGroup: true,
    },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team-1' } },
    ...fields,
  };
}

export function mentionMessage(serviceUrl: string, conversationId: string, text: string) {
  return teamsActivity(serviceUrl, conversationId, {
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [{ type: 'mention', mentioned: BOT, text: `<at>${BOT.name}</at>` }],
  });
}
