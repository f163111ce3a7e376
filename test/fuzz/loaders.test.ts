/**
 * Fuzzing the loaders (a bounded, seeded run for CI; `npm run fuzz` runs 100,000 cases): random
 * bytes and damaged real files into `parseCsv`, the streaming CSV file reader, `parseSav` (small
 * ZLIB bombs among the seeds, limits lowered at times) and the JSON description files.
 * Every case must end in a typed error or a sound frame no larger than its input allows, within a
 * per-case deadline; CSV results must not depend on how the input is cut into chunks.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv/csv.js';
import { loadText } from '../../src/data/csv/run.js';
import { parseSav } from '../../src/data/sav/sav.js';
import type { SurveyData } from '../../src/data/types.js';
import { DataFormatError, SurveyError } from '../../src/errors.js';
import {
  checkError,
  describeCase,
  frameProblems,
  makeCase,
  rng,
  runCases,
  seeds,
} from './harness.js';

/** Generous: a case takes milliseconds; only a hang or a blow-up comes near this. */
const DEADLINE_MS = 5_000;

function report(failures: Array<{ seed: number; problem: string }>): string {
  return failures
    .map(
      (f) =>
        `seed ${f.seed} (npm run fuzz -- --replay ${f.seed}): ${describeCase(makeCase(f.seed))}\n  ${f.problem}`,
    )
    .join('\n');
}

describe('loader fuzzing', () => {
  it('cases are reproducible from their seed', () => {
    for (const seed of [1, 42, 99_999]) {
      const a = makeCase(seed);
      const b = makeCase(seed);
      expect(describeCase(a)).toBe(describeCase(b));
      expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    }
  });

  it('400 seeded cases: a typed error or a sound frame, each within the deadline', async () => {
    const reports = await runCases(20_240_000, 400, DEADLINE_MS);
    const failures = reports
      .filter((r) => !r.outcome.ok)
      .map((r) => ({ seed: r.seed, problem: r.outcome.ok ? '' : r.outcome.problem }));
    expect(failures, report(failures)).toEqual([]);
    // the run covers the ground: frames, CSV errors and SPSS errors all occur
    const results = new Set(
      reports.map((r) => (r.outcome.ok && r.outcome.result === 'error' ? r.outcome.code : 'frame')),
    );
    for (const code of [
      'frame',
      'RAGGED_ROW',
      'MALFORMED_QUOTE',
      'BAD_ENCODING',
      'TRUNCATED',
      'TOO_LARGE',
      'INVALID_CODEBOOK',
      'INVALID_MARGINS',
    ]) {
      expect(results, code).toContain(code);
    }
  }, 60_000);

  it('random bytes: parseCsv and parseSav give a frame or a typed error', () => {
    const r = rng(7);
    for (let k = 0; k < 300; k++) {
      const bytes = new Uint8Array(Math.floor(r() * 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      const text = new TextDecoder().decode(bytes);
      for (const [what, run] of [
        ['parseCsv', () => parseCsv(text)],
        ['parseSav', () => parseSav(bytes)],
      ] as const) {
        let d: SurveyData;
        try {
          d = run();
        } catch (e) {
          const checked = checkError(e, [DataFormatError], `${what} of random bytes (k = ${k})`);
          expect(checked.ok, checked.ok ? '' : checked.problem).toBe(true);
          continue;
        }
        expect(frameProblems(d, 1100 * bytes.length + 64), `${what} k = ${k}`).toEqual([]);
      }
    }
  });

  it('every prefix of a CSV file loads or fails alike, in one piece or a character at a time', () => {
    const text = new TextDecoder().decode(seeds().find((s) => s.name === 'csv/poll.csv')!.bytes);
    for (let cut = 0; cut <= text.length; cut++) {
      const part = text.slice(0, cut);
      const outcome = (slice?: number) => {
        try {
          const d = loadText(part, {}, slice);
          expect(frameProblems(d, (part.split('\n').length + 1) * d.names.length)).toEqual([]);
          return JSON.stringify({ nrow: d.nrow, names: d.names, load: d.load });
        } catch (e) {
          expect(e).toBeInstanceOf(SurveyError);
          return (e as SurveyError).message;
        }
      };
      expect(outcome(1), `cut at ${cut}`).toBe(outcome());
    }
  });

  it('the checks are not vacuous: they catch broken frames and untyped errors', () => {
    const d = parseCsv('a,b\n1,x\n2,\n');
    expect(frameProblems(d, 100)).toEqual([]);
    const broken = {
      ...d,
      columns: { ...d.columns, b: { ...d.columns.b!, codes: Int32Array.of(0, 5) } },
    } as SurveyData;
    expect(frameProblems(broken, 100).join()).toMatch(/code 5/);
    expect(frameProblems({ ...d, load: { ...d.load, missing: [] } }, 100).join()).toMatch(
      /1 missing cells/,
    );
    expect(frameProblems(d, 1).join()).toMatch(/bound 1 cells/);
    expect(checkError(new TypeError('x'), [DataFormatError], 'c').ok).toBe(false);
    expect(checkError(new DataFormatError('INTERNAL_ERROR', 'x'), [DataFormatError], 'c').ok).toBe(
      false,
    );
    expect(checkError(new DataFormatError('TRUNCATED', 'x'), [DataFormatError], 'c').ok).toBe(true);
  });
});
