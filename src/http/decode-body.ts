import { BotError } from '../errors.js';

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'x-unicode20utf8']);
const UTF16_LABELS: Record<string, 'utf-16le' | 'utf-16be'> = {
  'utf-16': 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

/** The charset parameter of a Content-Type header, lower-cased and unquoted. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return match?.[2]?.toLowerCase();
}

/**
 * Decodes a JSON body to text. JSON is Unicode: UTF-8 in any spelling of its name, or
 * UTF-16 (declared, or recognised by its byte order mark). A UTF-8 BOM is dropped.
 */
export function decodeJsonBody(body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  const utf16 = charset ? UTF16_LABELS[charset] : bomEncoding(body);

  if (utf16) return new TextDecoder(utf16, { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  if (charset && !UTF8_LABELS.has(charset)) {
    throw new BotError(
      'charset_unsupported',
      `charset "${charset}" is not supported: send JSON as UTF-8 (or UTF-16)`,
    );
  }

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new BotError('body_not_json', 'body is not valid UTF-8 text', { cause: error });
  }
}

function bomEncoding(body: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}
