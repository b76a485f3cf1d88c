import { DeliveryError } from '../../src/delivery/chat-adapter.js';

interface ConnectorError {
  statusCode?: number;
  message?: string;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

/** True for the answers that mean the bot is no longer in the conversation. */
export function isGone(error: unknown): boolean {
  const status = (error as ConnectorError)?.statusCode;
  return status === 403 || status === 404;
}

/** Classifies a Bot Connector failure for the delivery worker. */
export function toDeliveryError(error: unknown): DeliveryError {
  const e = (error ?? {}) as ConnectorError;
  const status = e.statusCode;

  if (isGone(error)) {
    return new DeliveryError(`Teams refused (${status}): the bot is not in this conversation`, {
      permanent: true,
      cause: error,
    });
  }
  if (status === 429) {
    const header = Number(e.response?.headers?.get?.('retry-after'));
    const seconds = Number.isFinite(header) && header > 0 ? header : 1;
    return new DeliveryError(`Teams rate limit: retry after ${seconds}s`, {
      retryAfterMs: seconds * 1000,
      cause: error,
    });
  }
  const what = status ? `answered ${status}` : `unreachable (${e.message ?? String(error)})`;
  return new DeliveryError(`Bot Connector ${what}`, { cause: error });
}
