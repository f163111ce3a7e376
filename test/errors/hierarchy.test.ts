/**
 * The error hierarchy: every class is a SurveyError with a code and details; everything src/
 * throws on purpose is one of them (no bare Error, RangeError or TypeError); and every code each
 * class can throw is documented in docs/errors.md, with the details fields it sets (and nothing is
 * documented that is never thrown).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import { asRepDesign } from '../../src/design/replicate.js';
import {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  SurveyError,
  WeightingError,
} from '../../src/errors.js';
import { svyBy } from '../../src/estimate/by.js';
import { svyQuantile } from '../../src/estimate/quantile.js';
import * as api from '../../src/index.js';
import { rake } from '../../src/weighting/rake.js';
import { CLASSES, documentedCodes, ROOT, scanSource } from './codes.js';

const SUBCLASSES = [DataFormatError, CodebookError, DesignError, WeightingError, EstimationError];

describe('the error classes', () => {
  it('each is a SurveyError and an Error, named after itself, with code and details', () => {
    for (const C of [SurveyError, ...SUBCLASSES]) {
      const e = new C('SOME_CODE', 'what went wrong', { file: 'poll.csv', row: 3 });
      expect(e).toBeInstanceOf(Error);
      expect(e).toBeInstanceOf(SurveyError);
      expect(e).toBeInstanceOf(C);
      expect(e.name).toBe(C.name);
      expect(e.code).toBe('SOME_CODE');
      expect(e.message).toBe('what went wrong');
      expect(e.details).toEqual({ file: 'poll.csv', row: 3 });
      expect(e.stack).toContain('what went wrong');
      // details default to an empty object, never undefined
      expect(new C('X', 'y').details).toEqual({});
    }
  });

  it('the subclasses are distinct: catching one does not catch another', () => {
    for (const A of SUBCLASSES) {
      for (const B of SUBCLASSES) {
        expect(new A('X', 'y') instanceof B).toBe(A === B);
      }
    }
    expect(new SurveyError('X', 'y')).not.toBeInstanceOf(DataFormatError);
  });

  it('every class is part of the public API', () => {
    const exported = new Map<string, unknown>(Object.entries(api));
    for (const name of CLASSES) expect(exported.get(name), name).toBeTypeOf('function');
  });

  it('wrapped errors keep their class and code and add where they happened', () => {
    // an estimator failing inside a svyBy group: the group is named
    let e: unknown;
    try {
      svyBy(
        svyDesign(fromColumns({ y: [1, 2, Number.NaN, Number.NaN], g: ['a', 'a', 'b', 'b'] })),
        'g',
        (d) => svyQuantile(d, 'y', [0.5]),
      );
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(EstimationError);
    expect((e as SurveyError).code).toBe('EMPTY_DOMAIN');
    expect((e as SurveyError).details.group).toEqual({ g: 'b' });
    // one replicate that cannot be weighted: the replicate is named
    try {
      rake(
        asRepDesign(
          svyDesign(fromColumns({ s: ['m', 'f', 'f', 'f'], psu: [1, 2, 3, 4] }), { ids: 'psu' }),
        ),
        [{ variable: 's', population: { m: 1, f: 3 } }],
      );
      e = null;
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(WeightingError);
    expect((e as SurveyError).code).toBe('EMPTY_CELL');
    expect((e as SurveyError).details.replicate).toBe(1);
  });
});

describe('everything src/ throws is a SurveyError', () => {
  const scan = scanSource();

  it('no throw of another class, except internal assertions no input can reach', () => {
    // hadamard(n) is internal: BRR calls it with a whole number of half-samples, checked first
    // (BRR_STRATUM_SIZE); test/design/hadamard.test.ts pins its RangeError.
    // glmInfluence refuses per-row use when svyGlm kept only the clusters' sums, which it does
    // only when the variance needs nothing else (test/models/irls.test.ts pins the refusal)
    const allowed = ['src/design/hadamard.ts', 'src/models/influence.ts'];
    // the command line's UsageError (exit code 2) is a misuse of the command, not of the data:
    // src/cli/run.ts turns it into a message and the usage
    const untyped = scan.untyped.filter(
      (u) =>
        !allowed.some((a) => u.site.startsWith(a)) &&
        !(u.site.startsWith('src/cli/') && u.text.startsWith('throw new UsageError(')),
    );
    expect(untyped).toEqual([]);
  });

  it('errors whose code is not a literal only forward a code from another error or a typed set', () => {
    // savError's code is typed SavErrorCode; ByteReader passes its overrun code (a SavErrorCode);
    // replicateError re-throws a WeightingError with its own code
    expect(scan.forwarded.map((f) => f.site.replace(/:\d+$/, '')).sort()).toEqual([
      'src/data/sav/bytes.ts',
      'src/data/sav/bytes.ts',
      'src/weighting/common.ts',
    ]);
  });

  it('codes are UPPER_SNAKE_CASE', () => {
    for (const use of scan.codes.values())
      expect(use.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('finds the codes (the scan is not vacuous)', () => {
    const byClass = (cls: string) => [...scan.codes.values()].filter((u) => u.cls === cls).length;
    expect(byClass('DataFormatError')).toBeGreaterThan(15);
    expect(byClass('EstimationError')).toBeGreaterThan(15);
    expect(scan.codes.get('DesignError UNKNOWN_COLUMN')?.sites.length).toBeGreaterThanOrEqual(2);
    expect(scan.savCodes).toContain('TRUNCATED');
  });
});

describe('docs/errors.md documents every code', () => {
  const scan = scanSource();
  const docs = documentedCodes(readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8'));
  const documented = new Map(docs.map((d) => [`${d.cls} ${d.code}`, d]));

  it('lists each code once per class, with when it happens', () => {
    expect(docs.length).toBeGreaterThan(80);
    expect(new Set(docs.map((d) => `${d.cls} ${d.code}`)).size).toBe(docs.length);
    for (const d of docs) {
      expect(CLASSES as readonly string[], `${d.code} under ${d.cls}`).toContain(d.cls);
      expect(d.when.length, `${d.cls} ${d.code}`).toBeGreaterThan(10);
    }
  });

  it('every code thrown in src/ is in its class table', () => {
    const missing = [...scan.codes.values()]
      .filter((u) => !documented.has(`${u.cls} ${u.code}`))
      .map((u) => `${u.cls} ${u.code} (${u.sites[0]})`);
    expect(missing).toEqual([]);
    // the codes savError may be given, all DataFormatErrors
    for (const code of scan.savCodes)
      expect(documented.has(`DataFormatError ${code}`), code).toBe(true);
  });

  it('every documented code is thrown somewhere', () => {
    const stale = docs
      .filter((d) => !scan.codes.has(`${d.cls} ${d.code}`))
      .map((d) => `${d.cls} ${d.code}`);
    expect(stale).toEqual([]);
  });

  it('the details fields set where a code is thrown are documented with it', () => {
    const undocumented: string[] = [];
    for (const use of scan.codes.values()) {
      const doc = documented.get(`${use.cls} ${use.code}`);
      if (!doc) continue;
      for (const f of use.fields) {
        if (!doc.fields.includes(f))
          undocumented.push(`${use.cls} ${use.code}: ${f} (${use.sites[0]})`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('README links to it from its Errors section', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Errors'));
    expect(section).toContain('docs/errors.md');
  });
});
