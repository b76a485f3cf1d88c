import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskEmails } from '../../src/observability/logger.js';

describe('logger', () => {
  it('never writes a whole e-mail address, in fields, nested errors or messages', () => {
    let written = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    const log = createLogger('info', sink);
    log.warn(
      { user: 'owen.fletcher@copperleaf.example.org', nested: { err: 'for a@b.example.com' } },
      'quarantined',
    );
    log.info('plain lena.vogt@nordwind.example.com');

    expect(written).not.toMatch(/owen\.fletcher@|lena\.vogt@|a@b/);
    expect(written).toContain('o***@copperleaf.example.org');
  });

  it('masks every address in a text', () => {
    expect(maskEmails('x jana.keller@nordwind.example.com, k@a.io')).toBe(
      'x j***@nordwind.example.com, k***@a.io',
    );
  });
});
