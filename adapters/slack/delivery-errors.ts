import { DeliveryError } from '../../src/delivery/chat-adapter.js';

// Errors that no retry can fix: the channel or the token is wrong, or the message itself.
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
  'message_not_found',
  'cant_update_message',
  'restricted_action',
]);

interface WebApiError {
  code?: string;
  retryAfter?: number;
  data?: { error?: string };
  message?: string;
}

/** Classifies a Web API failure for the delivery worker: permanent, rate-limited, or transient. */
export function toDeliveryError(error: unknown): DeliveryError {
  const e = (error ?? {}) as WebApiError;

  if (e.code === 'slack_webapi_rate_limited_error') {
    const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : 1;
    return new DeliveryError(`Slack rate limit: retry after ${seconds}s`, {
      retryAfterMs: seconds * 1000,
      cause: error,
    });
  }

  const reason = e.data?.error;
  if (e.code === 'slack_webapi_platform_error' && reason) {
    return new DeliveryError(`Slack refused: ${reason}`, {
      permanent: PERMANENT.has(reason),
      cause: error,
    });
  }
  return new DeliveryError(`Slack unreachable: ${e.message ?? String(error)}`, { cause: error });
}
