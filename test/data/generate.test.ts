import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, dataFiles, generatePoll } from '../../scripts/generate/poll.js';
import { parseCodebook } from '../../src/data/codebook.js';
import { parseCsv } from '../../src/data/csv/csv.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** The committed CSV as rows of column -> number (NaN for an empty cell), strata kept as text. */
function readRows() {
  const [header, ...lines] = read('data/belarus-2021-12.csv').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row: Record<string, number> = {};
    names.forEach((n, i) => {
      row[n] = n === 'stratum' || cells[i] === '' ? Number.NaN : Number(cells[i]);
    });
    return { row, stratum: cells[names.indexOf('stratum')]! };
  });
}

/** Share of `success` among rows with a valid answer, weighted by the design weight. */
function share(
  rows: ReadonlyArray<Record<string, number>>,
  column: string,
  success: (v: number) => boolean,
  isAnswer: (v: number) => boolean = (v) => !Number.isNaN(v) && v !== 99,
): number {
  let num = 0;
  let den = 0;
  for (const r of rows) {
    const v = r[column]!;
    if (!isAnswer(v)) continue;
    den += r['design_weight']!;
    if (success(v)) num += r['design_weight']!;
  }
  return num / den;
}

describe('synthetic reference poll', () => {
  const poll = generatePoll(DEFAULT_SEED);

  it('is reproducible: the same seed gives byte-identical files, another seed differs', () => {
    const again = generatePoll(DEFAULT_SEED);
    expect(again.csv).toBe(poll.csv);
    expect(dataFiles(again)).toEqual(dataFiles(poll));
    expect(generatePoll(DEFAULT_SEED + 1).csv).not.toBe(poll.csv);
  });

  it('the committed data files equal a fresh generation', () => {
    for (const [path, text] of Object.entries(dataFiles(poll))) {
      expect(read(path), `${path} is stale: run npm run data:generate`).toBe(text);
    }
  });

  it('has a valid codebook describing every CSV column, in file order', () => {
    const codebook = parseCodebook(JSON.parse(read('data/codebook.json')), 'data/codebook.json');
    const header = read('data/belarus-2021-12.csv').split('\n', 1)[0]!.split(',');
    expect(codebook.variables.map((v) => v.name)).toEqual(header);
    for (const v of codebook.variables) {
      expect(v.label, v.name).toBeTruthy();
      expect(v.translations?.['ru'], v.name).toBeTruthy();
      for (const value of v.values ?? []) expect(value.translations?.['ru']).toBeTruthy();
      if (v.type === 'numeric') expect(v.range, v.name).toBeDefined();
      // 98 "hard to say" is a real answer; only 99 "refused" is missing.
      if (v.missing) expect(v.missing).toEqual([99]);
    }
    const age = codebook.variables.find((v) => v.name === 'age')!;
    expect(age.range).toEqual([18, 90]);
  });

  it('loads with parseCsv under its codebook without violations', () => {
    const codebook = parseCodebook(JSON.parse(read('data/codebook.json')));
    const data = parseCsv(read('data/belarus-2021-12.csv'), { codebook });
    expect(data.nrow).toBe(1500);
    expect(data.load.rowsRejected).toEqual([]);
    const region = data.columns['region']!;
    expect(region.kind === 'categorical' && region.levels).toEqual([
      'Brest',
      'Vitebsk',
      'Gomel',
      'Grodno',
      'Minsk city',
      'Minsk region',
      'Mogilev',
    ]);
  });

  it('has margins that all sum to the stated adult population, keyed by codebook labels', () => {
    const margins = JSON.parse(read('data/margins.json'));
    const codebook = parseCodebook(JSON.parse(read('data/codebook.json')));
    expect(margins.population).toBe(7_490_000);
    expect(margins.margins.map((m: { variable: string }) => m.variable)).toEqual([
      'region',
      'sex',
      'agegroup',
      'area',
    ]);
    for (const m of margins.margins) {
      expect(m.source, m.variable).toBeTruthy();
      expect(m.derivation, m.variable).toBeTruthy();
      const counts = Object.values(m.population) as number[];
      expect(
        counts.reduce((a, b) => a + b, 0),
        m.variable,
      ).toBe(margins.population);
      const labels = codebook.variables
        .find((v) => v.name === m.variable)!
        .values!.map((v) => v.label);
      expect(Object.keys(m.population)).toEqual(labels);
    }
  });

  it('follows the sampling design: strata, PSUs of 8-15 numbered 1..k, weights summing to the population', () => {
    const rows = readRows();
    const psus = new Map<string, Map<number, number>>();
    const weightByStratum = new Map<string, number>();
    for (const { row, stratum } of rows) {
      const byPsu = psus.get(stratum) ?? new Map<number, number>();
      psus.set(stratum, byPsu);
      byPsu.set(row['psu']!, (byPsu.get(row['psu']!) ?? 0) + 1);
      weightByStratum.set(stratum, (weightByStratum.get(stratum) ?? 0) + row['design_weight']!);
    }
    expect(psus.size).toBe(18);
    expect(psus.get('minsk_city_capital')).toBeDefined();
    for (const [stratum, byPsu] of psus) {
      const ids = [...byPsu.keys()].sort((a, b) => a - b);
      expect(ids, stratum).toEqual(ids.map((_, i) => i + 1));
      expect(ids.length, stratum).toBeGreaterThanOrEqual(2);
      for (const size of byPsu.values()) {
        expect(size).toBeGreaterThanOrEqual(8);
        expect(size).toBeLessThanOrEqual(15);
      }
    }
    for (const s of poll.strata) {
      expect(weightByStratum.get(s.key)! / s.population, s.key).toBeCloseTo(1, 5);
    }
  });

  it('describes in questionnaire.json only columns of the codebook', () => {
    const questionnaire = JSON.parse(read('data/questionnaire.json'));
    const names = new Set(
      parseCodebook(JSON.parse(read('data/codebook.json'))).variables.map((v) => v.name),
    );
    const variables = [
      ...questionnaire.attitudes.items.map((i: { variable: string }) => i.variable),
      ...questionnaire.multipleResponse.flatMap((q: { options: Array<{ variable: string }> }) =>
        q.options.map((o) => o.variable),
      ),
      ...questionnaire.eeu.map((e: { variable: string }) => e.variable),
    ];
    expect(variables).toHaveLength(12 + 2 * 14 + 2);
    for (const v of variables) expect(names.has(v), v).toBe(true);
    expect(questionnaire.attitudes.groups).toEqual({
      positive: [1, 2],
      neutral: [3],
      negative: [4, 5],
      dk: [98],
      missing: [99],
    });
  });

  it('codes multiple response as 0/1, all empty for a refusal, at most 3 countries', () => {
    const questionnaire = JSON.parse(read('data/questionnaire.json'));
    for (const q of questionnaire.multipleResponse) {
      const options = q.options as Array<{ variable: string; kind: string }>;
      for (const { row } of readRows()) {
        const cells = options.map((o) => row[o.variable]!);
        if (cells.every(Number.isNaN)) continue;
        expect(cells.every((c) => c === 0 || c === 1)).toBe(true);
        const countries = options.filter((o) => o.kind === 'country' && row[o.variable] === 1);
        const other = options.filter((o) => o.kind !== 'country' && row[o.variable] === 1);
        expect(countries.length).toBeLessThanOrEqual(q.maxAnswers);
        // Either countries are named, or exactly one of "none" / "hard to say".
        expect(other.length).toBe(countries.length > 0 ? 0 : 1);
      }
    }
  });

  it('meets the calibration targets on the committed file (design-weighted shares)', () => {
    const rows = readRows().map((r) => r.row);
    // >90% positive or neutral toward Kazakhstan ("hard to say" stays in the base).
    const kz = share(rows, 'att_kazakhstan', (v) => v <= 3);
    expect(kz).toBeGreaterThan(0.9);
    expect(kz).toBeLessThan(0.95);
    // >60% support cooperation with Kazakhstan within the EEU.
    const coop = share(rows, 'eeu_kz_coop', (v) => v === 1);
    expect(coop).toBeGreaterThan(0.6);
    expect(coop).toBeLessThan(0.7);
    // Kazakhstan second after Russia in both multiple-response questions, clearly ahead of China.
    for (const prefix of ['rel', 'int']) {
      const named = (country: string) => share(rows, `${prefix}_${country}`, (v) => v === 1);
      const countries = ['russia', 'china', 'kazakhstan', 'ukraine', 'poland', 'lithuania']
        .concat(['latvia', 'germany', 'usa', 'azerbaijan', 'uzbekistan', 'armenia'])
        .sort((a, b) => named(b) - named(a));
      expect(countries.slice(0, 3), prefix).toEqual(['russia', 'kazakhstan', 'china']);
      const gap = named('kazakhstan') - named('china');
      expect(gap, prefix).toBeGreaterThan(0.03);
      expect(gap, prefix).toBeLessThan(0.15);
    }
    // Plausible against the EDB barometer's 56-68% support for Eurasian integration.
    const member = share(rows, 'eeu_membership', (v) => v === 1);
    expect(member).toBeGreaterThan(0.55);
    expect(member).toBeLessThan(0.7);
  });
});
