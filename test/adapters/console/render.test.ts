import { describe, expect, it } from 'vitest';
import { renderForTerminal } from '../../../adapters/console/render.js';
import { message } from '../../../src/messages/message.js';

describe('renderForTerminal', () => {
  it('neutralises terminal escapes, newlines and bidi overrides in event fields', () => {
    const text = renderForTerminal(
      message({
        title: 'User deleted',
        summary: '\u001b[2J\u001b[31mowned\nfake line \u202Egnp.exe',
        fields: [{ label: 'Deleted by', value: 'x\r\u0007y' }],
      }),
    );
    for (const unsafe of ['\u001b', '\u0007', '\u202E', '\r']) expect(text).not.toContain(unsafe);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('owned fake line');
  });

  it('shows times in UTC and says how many entries were left out', () => {
    const text = renderForTerminal(
      message({
        title: 'Recent',
        summary: 's',
        sections: [
          {
            title: 'Nordwind',
            items: [{ text: 'a verified', time: '2026-11-05T08:12:00.000Z' }],
            omitted: 4,
          },
        ],
      }),
    );
    expect(text).toContain('2026-11-05 08:12 UTC  a verified');
    expect(text).toContain('… and 4 more');
  });
});
