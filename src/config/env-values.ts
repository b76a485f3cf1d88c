import { z } from 'zod';
import { parseDuration } from './duration.js';

// Readers for the kinds of value settings take; each names what it expected, so the loader
// can report "NAME: what was wrong" in one line.

export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export function duration(fallback: string, max?: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parsed = parseDuration(value || fallback);
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 60s, 24h or 7d' });
        return z.NEVER;
      }
      if (max !== undefined && parsed > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be at most ${Math.round(max / 86_400_000)}d`,
        });
        return z.NEVER;
      }
      return parsed;
    });
}

export const typeList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const parts = (value ?? '41,46').split(',').map((part) => part.trim());
    if (parts.some((part) => !/^\d{1,6}$/.test(part))) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected comma-separated event type ids, e.g. 41,46',
      });
      return z.NEVER;
    }
    return parts.map(Number);
  });

export const byteSize = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const match = /^(\d+)\s*(b|kb|mb)?$/i.exec((value ?? '16mb').trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected a size such as 16mb or 500kb' });
      return z.NEVER;
    }
    const unit = (match[2] ?? 'b').toLowerCase();
    const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
    const bytes = Number(match[1]) * factor;
    if (bytes < 1024 || bytes > 1024 ** 3) {
      ctx.addIssue({ code: 'custom', message: 'must be between 1kb and 1024mb' });
      return z.NEVER;
    }
    return bytes;
  });

export function count(fallback: number, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const text = value ?? String(fallback);
      const n = Number(text);
      if (!/^\d+(\.\d+)?$/.test(text) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

/** Comma-separated ids (user ids, tenant ids, tokens); blanks dropped. */
export const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
