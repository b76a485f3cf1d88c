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

describe('logger and errors', () => {
  it('keeps the message and stack of a logged error, masked', () => {
    let written = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        written += chunk.toString();
        done();
      },
    });
    createLogger('info', sink).error(
      { err: new Error('send to jana.keller@nordwind.example.com failed') },
      'delivery given up',
    );
    const line = JSON.parse(written) as { err: { message: string; stack: string; type: string } };
    expect(line.err.type).toBe('Error');
    expect(line.err.message).toBe('send to j***@nordwind.example.com failed');
    expect(line.err.stack).toContain('logger.test.ts');
  });
});
