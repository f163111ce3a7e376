/** xmlText: what XML 1.0 cannot hold is removed, everything else kept. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xmlText } from '../../src/charts/xml.js';

/** XML 1.0's Char production. */
const isXmlChar = (cp: number) =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff);

describe('xmlText', () => {
  it('removes C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF', () => {
    let all = '';
    for (let c = 0; c < 0x20; c++) all += String.fromCharCode(c);
    expect(xmlText(all)).toBe('\t\n\r');
    expect(xmlText('a\uD800b\uDC00c\uFFFEd\uFFFFe')).toBe('abcde');
    expect(xmlText('Казахстан 🇧🇾 \u007f\u0085')).toBe('Казахстан 🇧🇾 \u007f\u0085');
  });

  it('keeps every character XML can hold, and leaves none it cannot', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const out = xmlText(s);
        for (const ch of out) expect(isXmlChar(ch.codePointAt(0)!)).toBe(true);
        const kept = [...s].filter((ch) => isXmlChar(ch.codePointAt(0)!)).join('');
        expect(out).toBe(kept);
      }),
    );
  });
});
