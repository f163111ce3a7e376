/**
 * The quoted-text splitter: records end at any line break outside quotes, quoted fields keep what
 * they hold, the record the text ends in waits for more unless final, quote problems and too long
 * records are reported for the record after the complete ones.
 */
import { describe, expect, it } from 'vitest';
import { lineBreaks, splitQuoted } from '../../../src/data/csv/quoted.js';

describe('splitQuoted', () => {
  it('ends records at \\n, \\r\\n and \\r outside quotes, and keeps them inside', () => {
    const r = splitQuoted('a,"b\r\nc"\r\n"x\ry",2\n3,"\n"\r4,5', ',', true);
    expect(r.rows).toEqual([
      ['a', 'b\r\nc'],
      ['x\ry', '2'],
      ['3', '\n'],
      ['4', '5'],
    ]);
    expect(r.lines).toEqual([2, 2, 2, 1]);
    expect(r.problem).toBeNull();
    expect(r.consumed).toBe(27);
  });

  it('undoes doubled quotes and allows spaces before the delimiter after a closing quote', () => {
    const r = splitQuoted('"say ""hi""" ,"" , x\n', ',', true);
    expect(r.rows).toEqual([['say "hi"', '', ' x']]);
  });

  it('a tab after a closing quote is the delimiter when the delimiter is a tab', () => {
    expect(splitQuoted('"x"\ta\n"""" \t"b"\t\n', '\t', true).rows).toEqual([
      ['x', 'a'],
      ['"', 'b', ''],
    ]);
  });

  it('a quote inside an unquoted field is text', () => {
    expect(splitQuoted('a"b,c\n', ',', true).rows).toEqual([['a"b', 'c']]);
  });

  it('tells a lone "" from a blank line', () => {
    const r = splitQuoted('""\n  \n\n', ',', true);
    expect(r.rows).toEqual([[''], ['  '], ['']]);
    expect(r.blank).toEqual([false, true, true]);
  });

  it('leaves the record the text ends in for the next call, unless final', () => {
    for (const [text, consumed] of [
      ['a,b\n1,"2', 4],
      ['a,b\n1,2', 4],
      ['a,b\n1,"2"', 4], // the quote may be the first of a doubled one
      ['a,b\r', 0], // a \n may follow
      ['a,b\n1,"x"\r', 4],
    ] as const) {
      const r = splitQuoted(text, ',', false);
      expect(r.consumed, text).toBe(consumed);
      expect(r.problem).toBeNull();
    }
    expect(splitQuoted('a,b\r', ',', true).rows).toEqual([['a', 'b']]);
  });

  it('reports quote problems with papaparse names, after the complete records', () => {
    const missing = splitQuoted('a\n1\n"2\n3\n', ',', true);
    expect(missing.rows).toEqual([['a'], ['1']]);
    expect(missing.problem).toEqual({ code: 'MissingQuotes', index: 5 });
    const invalid = splitQuoted('a,b\n"1"x,2\n', ',', false);
    expect(invalid.rows).toEqual([['a', 'b']]);
    expect(invalid.problem).toEqual({ code: 'InvalidQuotes', index: 5 });
  });

  it('a record longer than the limit is too long, also when it has a quote problem past the limit', () => {
    expect(splitQuoted('ab\n"cdefgh"\n', ',', true, 5)).toMatchObject({
      rows: [['ab']],
      tooLong: 3,
    });
    expect(splitQuoted('ab\n"cdefgh', ',', true, 5)).toMatchObject({ tooLong: 3, problem: null });
    expect(splitQuoted('ab\n"cdefgh', ',', false, 5)).toMatchObject({ tooLong: 3 });
    expect(splitQuoted('ab\n"c"x', ',', true, 5)).toMatchObject({
      tooLong: -1,
      problem: { code: 'InvalidQuotes' },
    });
    // the \r the unfinished text ends in is not counted: it may be its line break
    expect(splitQuoted('"abcd"\r', ',', false, 6)).toMatchObject({ tooLong: -1 });
  });

  it('takes a delimiter of several characters', () => {
    expect(splitQuoted('a||"b||c"||d\n', '||', true).rows).toEqual([['a', 'b||c', 'd']]);
  });
});

describe('lineBreaks', () => {
  it('counts \\r\\n once, a lone \\r and \\n once each', () => {
    expect(lineBreaks('a\r\nb\nc\rd\r')).toBe(4);
    expect(lineBreaks('\r\r\n\n')).toBe(3);
    expect(lineBreaks('abc')).toBe(0);
  });
});
