const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const ELLIPSIS = '…';

/**
 * Escapes `text` and cuts it to at most `max` UTF-16 units of escaped output, only between
 * whole grapheme clusters (never inside an emoji, a flag or an escape sequence), ending with
 * "…" when something was cut.
 */
export function fitText(text: string, max: number, encode: (s: string) => string = same): string {
  const whole = encode(text);
  if (whole.length <= max) return whole;

  const budget = max - ELLIPSIS.length;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    const piece = encode(segment);
    if (out.length + piece.length > budget) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

function same(text: string): string {
  return text;
}
