import { BotError } from '../errors.js';

// Every spelling of UTF-8 the WHATWG Encoding standard knows, plus ASCII (a subset of it).
const UTF8_LABELS = new Set([
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unicode11utf8',
  'unicode20utf8',
  'x-unicode20utf8',
  'us-ascii',
  'ascii',
]);
const UTF16_LABELS: Record<string, 'utf-16le' | 'utf-16be'> = {
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'ucs-2': 'utf-16le',
  unicode: 'utf-16le',
  csunicode: 'utf-16le',
  unicodefeff: 'utf-16le',
  unicodefffe: 'utf-16be',
};

/** The charset parameter of a Content-Type header, lower-cased and unquoted. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return match?.[2]?.toLowerCase();
}

/**
 * Decodes a JSON body to text. JSON is Unicode: UTF-8 in any spelling of its name, or
 * UTF-16 (declared, or recognised by its byte order mark, which wins over the label's
 * default byte order). A byte order mark is dropped.
 */
export function decodeJsonBody(body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  const declared = charset ? UTF16_LABELS[charset] : undefined;
  const bom = bomEncoding(body);
  if (charset && !declared && !UTF8_LABELS.has(charset)) {
    throw new BotError(
      'charset_unsupported',
      `charset "${charset}" is not supported: send JSON as UTF-8 (or UTF-16)`,
    );
  }

  const encoding = bom ?? declared ?? 'utf-8';
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new BotError('body_not_json', `body is not valid ${encoding.toUpperCase()} text`, {
      cause: error,
    });
  }
}

function bomEncoding(body: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}
