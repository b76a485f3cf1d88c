/** Stable error codes; the HTTP edge maps each to one status in `httpStatusFor`. */
export type ErrorCode =
  | 'config_invalid'
  | 'body_empty'
  | 'body_not_json'
  | 'body_not_records'
  | 'body_too_large'
  | 'encoding_unsupported'
  | 'charset_unsupported'
  | 'unauthorized'
  | 'store_unavailable'
  | 'command_invalid'
  | 'organisation_unknown'
  | 'organisation_ambiguous'
  | 'delivery_failed'
  | 'chat_unavailable';

/** An error whose `code` is part of the contract and whose message tells what to fix. */
export class BotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BotError';
    this.code = code;
  }
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  config_invalid: 500,
  body_empty: 400,
  body_not_json: 400,
  body_not_records: 400,
  body_too_large: 413,
  encoding_unsupported: 415,
  charset_unsupported: 415,
  unauthorized: 401,
  store_unavailable: 503,
  command_invalid: 400,
  organisation_unknown: 404,
  organisation_ambiguous: 409,
  delivery_failed: 502,
  chat_unavailable: 503,
};

/** The one place where error codes become HTTP statuses. */
export function httpStatusFor(error: unknown): number {
  return error instanceof BotError ? STATUS_BY_CODE[error.code] : 500;
}
