import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/data/csv/csv.js';
import { fromColumns } from '../../../src/data/frame.js';
import { readRecords } from '../../../src/data/sav/records.js';
import { parseSav, readSav } from '../../../src/data/sav/sav.js';
import { encodingOfName } from '../../../src/data/sav/text.js';
import type { SavData } from '../../../src/data/sav/types.js';
import { writeSav } from '../../../src/data/sav/writer.js';
import type { CategoricalColumn, Column, SurveyData } from '../../../src/data/types.js';
import { DataFormatError } from '../../../src/errors.js';
import { WRITTEN_OPTIONS, writtenFrame } from '../../fixtures/sav/make-written.js';

const DIR = fileURLToPath(new URL('../../fixtures/sav/', import.meta.url));
const FILES = [
  'poll.sav',
  'poll-bytecode.sav',
  'poll.zsav',
  'empty.sav',
  'pspp-cp1251.sav',
  'pspp-cp1251-bytecode.sav',
  'pspp-cp1251.zsav',
  'written.sav',
] as const;

type Num = number | 'Inf' | '-Inf';
interface HavenVariable {
  name: string;
  type: 'numeric' | 'string';
  label: string | null;
  format: string;
  labels: Array<{ value: number | string; label: string }>;
  naValues: Array<number | string>;
  naRange: [Num, Num] | null;
  values: Array<number | string | null>;
}
interface Expected {
  file: string;
  haven: { nrow: number; label: string | null; notes: string[] | null; variables: HavenVariable[] };
  pspp: {
    label: string | null;
    cases: number;
    compression: string;
    encoding: string;
    weight: string | null;
    variables: Array<{ name: string; label: string | null; measure: string; printFormat: string }>;
    mrsets: Array<{
      name: string;
      label: string;
      encoding: string;
      countedValue: string;
      variables: string[];
    }>;
    data: string[][];
  };
}

const bytesOf = (f: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, f)));
const expectedOf = (f: string): Expected =>
  JSON.parse(readFileSync(join(DIR, `${f}.expected.json`), 'utf8')) as Expected;
const read = (f: string): SavData => parseSav(bytesOf(f), { source: f });
const num = (x: Num): number => (x === 'Inf' ? Infinity : x === '-Inf' ? -Infinity : x);

/** Whether haven's raw value is user-missing for the variable. */
function userMissing(v: HavenVariable, x: number | string): boolean {
  if (typeof x === 'string') return v.naValues.some((m) => String(m).trim() === x.trim());
  if (v.naValues.includes(x)) return true;
  return v.naRange !== null && x >= num(v.naRange[0]) && x <= num(v.naRange[1]);
}

/** A plain, comparable picture of the frame (NaN as null). */
function snapshot(d: SurveyData) {
  return {
    nrow: d.nrow,
    names: [...d.names],
    columns: d.names.map((n) => plainColumn(d.columns[n]!)),
    codebook: d.codebook,
    missing: d.load.missing,
  };
}

function plainColumn(c: Column) {
  return c.kind === 'numeric'
    ? {
        name: c.name,
        kind: c.kind,
        values: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)),
      }
    : { name: c.name, kind: c.kind, codes: Array.from(c.codes), levels: [...c.levels] };
}

function categorical(d: SurveyData, name: string): CategoricalColumn {
  const c = d.columns[name];
  if (c?.kind !== 'categorical') throw new Error(`${name} is not categorical`);
  return c;
}

/** A CSV text of haven's raw values (user-missing codes kept, system-missing empty). */
function csvOf(e: Expected): string {
  const vars = e.haven.variables;
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const lines = [vars.map((v) => quote(v.name)).join(',')];
  for (let r = 0; r < e.haven.nrow; r++) {
    lines.push(
      vars
        .map((v) => {
          const x = v.values[r];
          return x === null || x === undefined ? '' : typeof x === 'number' ? String(x) : quote(x);
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('readSav reads what haven and PSPP read', () => {
  for (const f of FILES) {
    const e = expectedOf(f);
    describe(f, () => {
      const d = read(f);

      it('variables: names, labels, formats, value labels, user-missing values', () => {
        expect(d.nrow).toBe(e.haven.nrow);
        expect(d.names).toEqual(e.haven.variables.map((v) => v.name));
        e.haven.variables.forEach((hv, i) => {
          const info = d.sav.variables[i]!;
          const cb = d.codebook.variables[i]!;
          expect(cb.name).toBe(hv.name);
          expect(cb.label).toBe(hv.label ?? undefined);
          expect(info.label).toBe(hv.label ?? undefined);
          expect(info.type).toBe(hv.type);
          expect(info.format).toBe(hv.format);
          const pairs = (xs: Array<{ value: number | string; label: string }>) =>
            xs
              .map((l) => [l.value, l.label])
              .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
          expect(pairs([...info.valueLabels]), hv.name).toEqual(pairs(hv.labels));
          const sortVals = (xs: ReadonlyArray<number | string>) =>
            [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(sortVals(info.missing?.values ?? []), hv.name).toEqual(sortVals(hv.naValues));
          expect(info.missing?.range, hv.name).toEqual(
            hv.naRange ? [num(hv.naRange[0]), num(hv.naRange[1])] : undefined,
          );
        });
      });

      it('values, levels and missing counts', () => {
        for (const hv of e.haven.variables) {
          const col = d.columns[hv.name]!;
          const labelOf = new Map(hv.labels.map((l) => [l.value, l.label]));
          let empty = 0;
          const missingCodes: Record<string, number> = {};
          hv.values.forEach((x, r) => {
            const isEmpty = x === null || (typeof x === 'string' && x.trim() === '');
            const isMissing = !isEmpty && userMissing(hv, x!);
            if (isEmpty) empty++;
            if (isMissing) {
              const key = typeof x === 'string' ? x.trim() : String(x);
              missingCodes[key] = (missingCodes[key] ?? 0) + 1;
            }
            if (col.kind === 'numeric') {
              const got = col.values[r]!;
              if (isEmpty || isMissing) expect(got, `${hv.name}[${r}]`).toBeNaN();
              else expect(got, `${hv.name}[${r}]`).toBe(x);
            } else {
              const code = col.codes[r]!;
              if (isEmpty || isMissing) expect(code, `${hv.name}[${r}]`).toBe(-1);
              else {
                const want = labelOf.get(x!) ?? (typeof x === 'string' ? x.trim() : String(x));
                expect(col.levels[code], `${hv.name}[${r}]`).toBe(want);
              }
            }
          });
          const report = d.load.missing.find((m) => m.column === hv.name);
          if (empty === 0 && Object.keys(missingCodes).length === 0) expect(report).toBeUndefined();
          else expect(report, hv.name).toEqual({ column: hv.name, empty, missingCodes });
        }
      });

      it('measurement levels, weight, multiple response sets and file facts as PSPP reports them', () => {
        const p = e.pspp;
        expect(d.sav.variables.map((v) => v.measure)).toEqual(
          p.variables.map((v) => v.measure.toLowerCase()),
        );
        expect(d.sav.variables.map((v) => v.format)).toEqual(p.variables.map((v) => v.printFormat));
        expect(d.sav.weight).toBe(p.weight);
        expect(d.sav.fileLabel).toBe(p.label ?? '');
        expect(d.codebook.title).toBe(p.label ?? undefined);
        expect(d.nrow).toBe(p.cases);
        expect(d.sav.encoding).toBe(encodingOfName(p.encoding));
        expect(d.sav.compression).toBe(
          ({ None: 'none', SAV: 'bytecode', ZSAV: 'zlib' } as Record<string, string>)[
            p.compression
          ],
        );
        const sets = [...d.sav.multipleResponseSets].sort((a, b) => a.name.localeCompare(b.name));
        const want = [...p.mrsets].sort((a, b) => a.name.localeCompare(b.name));
        expect(
          sets.map((s) => ({
            name: s.name,
            label: s.label,
            encoding: s.type === 'categories' ? 'Categories' : 'Dichotomies',
            countedValue: s.countedValue === undefined ? '' : String(s.countedValue),
            variables: s.variables,
          })),
        ).toEqual(want);
        expect(d.sav.documents).toEqual((e.haven.notes ?? []).map((l) => l.trimEnd()));
      });

      it('the same frame as the CSV loader reading the same values with the codebook', () => {
        const csv = parseCsv(csvOf(e), { codebook: d.codebook, source: f });
        expect(snapshot(csv)).toEqual(snapshot(d));
      });
    });
  }

  it('the fixtures are sound: PSPP and haven agree on every value', () => {
    for (const f of FILES) {
      const e = expectedOf(f);
      e.haven.variables.forEach((hv, i) => {
        if (hv.format.startsWith('DATE')) return; // PSPP writes dates formatted
        const column = e.pspp.data[i]!;
        expect(column.length).toBe(e.haven.nrow);
        hv.values.forEach((x, r) => {
          const s = column[r]!;
          if (hv.type === 'numeric') {
            expect(s.trim() === '' ? null : Number(s), `${f} ${hv.name}`).toBe(x);
          } else expect(s.trimEnd(), `${f} ${hv.name}`).toBe(x);
        });
      });
    }
  });
});

describe('readSav: SPSS features', () => {
  it('reads categorical variables as the module notes say', () => {
    const kinds = (d: SurveyData) =>
      Object.fromEntries(d.names.map((n) => [n, d.columns[n]!.kind]));
    expect(kinds(read('poll.sav'))).toMatchObject({
      sex: 'categorical', // every valid value labelled (9 is user-missing)
      q1: 'categorical', // 98 "hard to say" is a real answer, 99 is user-missing
      age: 'numeric', // only the missing code 999 is labelled
      income: 'numeric', // labels only on missing codes (LO THRU 0)
      trust: 'categorical', // range 97..99 plus 8 missing
      children: 'numeric', // scale, 1..5 unlabelled
      region: 'categorical',
      city: 'categorical',
      vote_intent: 'categorical', // an R factor: nominal, labelled
      interview_date: 'numeric',
    });
    const p = read('pspp-cp1251.sav');
    expect(kinds(p)).toMatchObject({
      пол: 'categorical',
      q: 'categorical',
      inc: 'numeric',
      m1: 'categorical',
    });
    // an ordinal variable labelled only at its ends: unlabelled codes become levels, in code order
    expect(categorical(p, 'q').levels).toEqual([
      'Совсем не доверяю',
      '2',
      '3',
      '4',
      '5',
      '7',
      '8',
      'Полностью доверяю',
    ]);
    expect(p.codebook.variables.find((v) => v.name === 'q')!.values!.map((v) => v.code)).toEqual([
      1, 2, 3, 4, 5, 7, 8, 10,
    ]);
  });

  it('lists observed values of missing ranges in the codebook, keeping the range in sav.variables', () => {
    const d = read('pspp-cp1251.sav');
    const inc = d.codebook.variables.find((v) => v.name === 'inc')!;
    expect(inc.missing).toEqual([-5, 0, 999999]);
    expect(d.sav.variables.find((v) => v.name === 'inc')!.missing).toEqual({
      values: [999999],
      range: [-Infinity, 0],
    });
    expect(d.sav.variables.find((v) => v.name === 'score')!.missing).toEqual({
      values: [],
      range: [90, Infinity],
    });
    const poll = read('poll.sav');
    expect(poll.codebook.variables.find((v) => v.name === 'trust')!.missing).toEqual([
      8, 97, 98, 99,
    ]);
  });

  it('joins very long strings across segments and multibyte characters across 8-byte units', () => {
    const d = read('poll.sav');
    const info = d.sav.variables.find((v) => v.name === 'comment')!;
    expect(info.width).toBeGreaterThan(255 * 2);
    const e = expectedOf('poll.sav').haven.variables.find((v) => v.name === 'comment')!;
    const col = categorical(d, 'comment');
    const longest = e.values.reduce<string>(
      (a, b) => ((b as string).length > a.length ? (b as string) : a),
      '',
    );
    expect(Buffer.byteLength(longest)).toBeGreaterThan(510);
    expect(col.levels).toContain(longest);
    expect(col.levels.some((l) => l.includes('\uFFFD'))).toBe(false);
  });

  it('reports dates, short names, product, encoding source and warnings', () => {
    const d = read('poll.sav');
    expect(d.sav.variables.filter((v) => v.isDate).map((v) => v.name)).toEqual(['interview_date']);
    const long = d.sav.variables.find((v) => v.name.startsWith('a_rather_long'))!;
    expect(long.shortName.length).toBeLessThanOrEqual(8);
    expect(d.sav.product).toMatch(/^@\(#\) SPSS DATA FILE/);
    expect(d.sav.encodingFrom).toBe('character-code'); // haven writes code page 65001, no encoding record
    expect(d.sav.byteOrder).toBe('little-endian');
    expect(d.sav.warnings).toEqual([]);
    const p = read('pspp-cp1251.sav');
    expect(p.sav.encodingFrom).toBe('record');
    // PSPP writes string value label values in UTF-8 in a windows-1251 file: repaired, with a warning
    expect(p.sav.warnings.join('\n')).toMatch(/"region".*UTF-8/);
    expect(p.sav.variables.find((v) => v.name === 'region')!.valueLabels[0]).toEqual({
      value: 'НЕТ',
      label: 'Нет ответа',
    });
  });

  it('reads all cases when the header does not count them', () => {
    const unknown = (b: Uint8Array): Uint8Array => {
      new DataView(b.buffer, b.byteOffset).setInt32(80, -1, true);
      return b;
    };
    // haven writes the extended case count (subtype 16) too; without either, data is read to its end
    expect(parseSav(unknown(bytesOf('poll.sav'))).nrow).toBe(24);
    expect(parseSav(unknown(withoutExtensions(bytesOf('poll.sav'), [16]))).nrow).toBe(24);
    expect(parseSav(unknown(bytesOf('pspp-cp1251-bytecode.sav'))).nrow).toBe(10);
    expect(snapshot(parseSav(unknown(bytesOf('pspp-cp1251.sav'))))).toEqual(
      snapshot(read('pspp-cp1251.sav')),
    );
  });

  it('gives the same frame whatever the compression', () => {
    const strip = (d: SavData) => snapshot(d);
    expect(strip(read('poll-bytecode.sav'))).toEqual(strip(read('poll.sav')));
    expect(strip(read('poll.zsav'))).toEqual(strip(read('poll.sav')));
    expect(strip(read('pspp-cp1251-bytecode.sav'))).toEqual(strip(read('pspp-cp1251.sav')));
    expect(strip(read('pspp-cp1251.zsav'))).toEqual(strip(read('pspp-cp1251.sav')));
  });

  it('reads a path and the same bytes alike', async () => {
    for (const f of ['poll.zsav', 'pspp-cp1251.sav']) {
      const path = join(DIR, f);
      const fromPath = await readSav(path);
      const fromBytes = await readSav(bytesOf(f), { source: path });
      expect(fromBytes).toEqual(fromPath);
      expect(fromPath.load.source).toBe(path);
      expect((await readSav(bytesOf(f))).load.source).toBe('<bytes>');
    }
  });

  it('matches the R-written CSV of the same data read with the codebook', () => {
    const d = read('poll.sav');
    const csv = parseCsv(readFileSync(join(DIR, 'poll.csv'), 'utf8'), { codebook: d.codebook });
    expect(snapshot(csv)).toEqual(snapshot(d));
    // without a codebook the CSV loader infers the same string levels
    const inferred = parseCsv(readFileSync(join(DIR, 'poll.csv'), 'utf8'));
    expect(plainColumn(inferred.columns.city!)).toEqual(plainColumn(d.columns.city!));
  });
});

/** The file without the extension records of the given subtypes. */
function withoutExtensions(bytes: Uint8Array, subtypes: number[]): Uint8Array {
  const raw = readRecords(bytes, 176, true, 'x');
  const cut = raw.extensions
    .filter((e) => subtypes.includes(e.subtype))
    .map((e) => [e.offset, e.dataOffset + e.data.length] as const);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const [from, to] of cut) {
    parts.push(bytes.subarray(at, from));
    at = to;
  }
  parts.push(bytes.subarray(at));
  return new Uint8Array(Buffer.concat(parts));
}

describe('readSav: text encodings', () => {
  it('falls back to the character code, then to a guess, and honours the encoding option', () => {
    const original = read('pspp-cp1251.sav');
    const noRecord = parseSav(withoutExtensions(bytesOf('pspp-cp1251.sav'), [20]));
    expect(noRecord.sav.encodingFrom).toBe('character-code');
    expect(snapshot(noRecord)).toEqual(snapshot(original));

    const nothing = withoutExtensions(bytesOf('pspp-cp1251.sav'), [20, 3]);
    const guessed = parseSav(nothing);
    expect(guessed.sav.encodingFrom).toBe('guess');
    // CP1251 bytes are not UTF-8; Cyrillic words are runs of bytes above 127
    expect(guessed.sav.encoding).toBe('windows-1251');
    expect(snapshot(guessed)).toEqual(snapshot(original));
    expect(guessed.sav.warnings.join('\n')).toMatch(
      /does not say its encoding .* windows-1251, a guess/,
    );
    const forced = parseSav(nothing, { encoding: 'windows-1251' });
    expect(forced.sav.encodingFrom).toBe('option');
    expect(snapshot(forced)).toEqual(snapshot(original));

    const utf8 = parseSav(withoutExtensions(bytesOf('poll.sav'), [20, 3]));
    expect(utf8.sav.encoding).toBe('utf-8');
    expect(snapshot(utf8)).toEqual(snapshot(read('poll.sav')));
  });

  it('rejects an unknown encoding option', () => {
    expect(() => parseSav(bytesOf('poll.sav'), { encoding: 'klingon' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_ENCODING' }),
    );
  });
});

describe('writeSav', () => {
  it('writes the committed written.sav byte for byte (read back by haven and PSPP above)', () => {
    expect(Buffer.compare(writeSav(writtenFrame(), WRITTEN_OPTIONS), bytesOf('written.sav'))).toBe(
      0,
    );
  });

  it('round-trips through readSav with every compression and byte order', () => {
    const d = read('poll.sav');
    const strings = ['city', 'comment'];
    for (const compression of ['none', 'bytecode', 'zlib'] as const) {
      for (const byteOrder of ['little-endian', 'big-endian'] as const) {
        const back = parseSav(writeSav(d, { compression, byteOrder, strings }));
        expect(back.sav.byteOrder).toBe(byteOrder);
        expect(back.names).toEqual(d.names);
        for (const n of d.names) {
          expect(plainColumn(back.columns[n]!), `${compression} ${byteOrder} ${n}`).toEqual(
            plainColumn(d.columns[n]!),
          );
        }
        expect(back.codebook.variables.map((v) => v.label)).toEqual(
          d.codebook.variables.map((v) => v.label),
        );
      }
    }
  });

  it('round-trips many levels, awkward numbers and big-endian files', () => {
    const n = 500;
    const d = fromColumns({
      many: {
        codes: Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -1 : i % 300)),
        levels: Array.from({ length: 300 }, (_, i) => `L${i}`),
      },
      x: Float64Array.from(
        { length: n },
        (_, i) => [0.1, -99, -100, 151, 152, 1e300, -1e-300, Number.NaN, 0][i % 9]!,
      ),
    });
    for (const byteOrder of ['little-endian', 'big-endian'] as const) {
      for (const compression of ['none', 'bytecode', 'zlib'] as const) {
        const back = parseSav(writeSav(d, { byteOrder, compression }));
        expect(plainColumn(back.columns.many!)).toEqual(plainColumn(d.columns.many!));
        expect(plainColumn(back.columns.x!)).toEqual(plainColumn(d.columns.x!));
      }
    }
  });

  it('rejects bad options', () => {
    const d = fromColumns({ x: [1, 2], g: ['a', 'b'] });
    expect(() => writeSav(d, { strings: ['x'] })).toThrow(DataFormatError);
    expect(() => writeSav(d, { weight: 'g' })).toThrow(DataFormatError);
  });
});

/** A seeded pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads the bytes; returns 'ok' or the DataFormatError, failing on any other exception. */
function attempt(bytes: Uint8Array): 'ok' | DataFormatError {
  try {
    parseSav(bytes, { source: 'fuzz.sav' });
    return 'ok';
  } catch (e) {
    if (!(e instanceof DataFormatError)) throw e;
    // a defect of the reader, wrapped so users still get a typed error: must not happen here
    if (e.message.includes('unexpected failure')) throw e;
    const offset = e.details.offset;
    if (typeof offset !== 'number' || !(offset >= 0 && offset <= bytes.length)) {
      throw new Error(`${e.code} without a byte offset in the file: ${e.message}`);
    }
    return e;
  }
}

describe('readSav: corrupt and truncated files', () => {
  for (const f of FILES) {
    it(`${f}: every truncation is a DataFormatError with its offset`, () => {
      const bytes = bytesOf(f);
      const cuts = new Set<number>();
      for (let k = 0; k < Math.min(bytes.length, 700); k++) cuts.add(k);
      for (let k = 0; k < 300; k++) cuts.add(Math.floor((bytes.length * k) / 300));
      for (let k = 1; k <= 16; k++) cuts.add(bytes.length - k);
      for (const cut of cuts) {
        const result = attempt(bytes.slice(0, cut));
        expect(result, `cut at ${cut}`).toBeInstanceOf(DataFormatError);
      }
    });

    it(`${f}: random byte damage gives a frame or a DataFormatError with its offset`, () => {
      const bytes = bytesOf(f);
      const random = rng(f.length * 7919 + bytes.length);
      const codes = new Map<string, number>();
      for (let run = 0; run < 400; run++) {
        const b = bytes.slice();
        const flips = 1 + Math.floor(random() * 3);
        for (let k = 0; k < flips; k++) {
          const at = Math.floor(random() * b.length);
          if (random() < 0.3 && at + 4 <= b.length) {
            // a plausible-looking huge or negative 32-bit field
            new DataView(b.buffer).setInt32(at - (at % 4), random() < 0.5 ? 0x7fffffff : -2, true);
          } else b[at] = b[at]! ^ (1 + Math.floor(random() * 255));
        }
        const result = attempt(b);
        const key = result === 'ok' ? 'ok' : result.code;
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }
      expect([...codes.values()].reduce((s, n) => s + n, 0)).toBe(400);
      if (process.env.SAV_FUZZ_REPORT) console.log(f, Object.fromEntries(codes));
    });
  }

  const fail = (bytes: Uint8Array) => {
    const r = attempt(bytes);
    if (r === 'ok') throw new Error('expected an error');
    return { code: r.code, offset: r.details.offset };
  };
  const patch = (f: string, at: number, value: number): Uint8Array => {
    const b = bytesOf(f);
    new DataView(b.buffer, b.byteOffset).setInt32(at, value, true);
    return b;
  };

  it('names the problem and where it is', () => {
    expect(fail(new TextEncoder().encode('id,sex\n1,2\n'))).toEqual({ code: 'NOT_SAV', offset: 0 });
    expect(fail(new Uint8Array([0x5b, 0xc6, 0xd3, 0xf2, 0, 0]))).toEqual({
      code: 'UNSUPPORTED_SAV',
      offset: 0,
    });
    expect(fail(bytesOf('poll.sav').slice(0, 100))).toEqual({ code: 'TRUNCATED', offset: 100 });
    expect(fail(patch('poll.sav', 64, 7))).toEqual({ code: 'BAD_HEADER', offset: 64 });
    // a wrong case size in the header is only a warning, as in PSPP: the variable records decide
    expect(parseSav(patch('poll.sav', 68, 5)).sav.warnings[0]).toMatch(/declares 5 8-byte units/);
    expect(fail(patch('poll.sav', 72, 2))).toEqual({ code: 'BAD_HEADER', offset: 72 }); // ZLIB needs $FL3
    expect(fail(patch('poll.sav', 176, 5))).toEqual({ code: 'BAD_RECORD', offset: 176 });
    // a declared case count the file cannot hold: an error, not a huge allocation
    expect(fail(patch('poll.sav', 80, 0x7fffffff))).toMatchObject({ code: 'TRUNCATED' });
  });

  it('checks value label counts, weight indexes and ZLIB blocks', () => {
    const bytes = bytesOf('poll.sav');
    const raw = readRecords(bytes, 176, true, 'x');
    const labels = raw.valueLabels[0]!;
    expect(fail(patch('poll.sav', labels.offset + 4, 0x7fffffff))).toEqual({
      code: 'TRUNCATED',
      offset: labels.offset + 8,
    });
    const stringIndex =
      readRecords(bytes, 176, true, 'x').variables.findIndex((v) => v.type > 0) + 1;
    expect(fail(patch('poll.sav', 76, stringIndex))).toEqual({ code: 'BAD_HEADER', offset: 76 });

    const z = bytesOf('poll.zsav');
    const zraw = readRecords(z, 176, true, 'x');
    const block = zraw.dataOffset + 24;
    const damaged = z.slice();
    damaged[block + 40] = damaged[block + 40]! ^ 0xff;
    expect(fail(damaged)).toEqual({ code: 'BAD_ZLIB', offset: block });
  });

  it('reports a missing file', async () => {
    await expect(readSav(join(DIR, 'no-such.sav'))).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
  });
});
