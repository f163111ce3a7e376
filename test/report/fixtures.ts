/** Shared by the report tests: the bundled poll's files, loaded once, and temporary folders. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type Codebook, parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import type { SurveyData } from '../../src/data/types.js';
import type { DesignSpec } from '../../src/design/types.js';
import type { Margin } from '../../src/design/weighting-history.js';
import { type Questionnaire, readQuestionnaire } from '../../src/poll/questionnaire.js';
import { readMargins } from '../../src/poll/weighting.js';
import type { PollReportInput } from '../../src/report/types.js';
import { referenceDir } from '../helpers/reference.js';

export const root = join(referenceDir, '..', '..');
const file = (name: string) => join(root, 'data', name);

/** The bundled poll's files, parsed. */
export interface Bundled {
  data: SurveyData;
  codebook: Codebook;
  questionnaire: Questionnaire;
  margins: Margin[];
  design: DesignSpec;
}

let bundled: Promise<Bundled> | null = null;

/** The bundled poll (data/), loaded once per test file. */
export function loadBundled(): Promise<Bundled> {
  bundled ??= (async () => {
    const codebook = parseCodebook(JSON.parse(readFileSync(file('codebook.json'), 'utf8')));
    return {
      codebook,
      data: await readCsv(file('belarus-2021-12.csv'), { codebook }),
      questionnaire: await readQuestionnaire(file('questionnaire.json')),
      margins: await readMargins(file('margins.json')),
      design: JSON.parse(readFileSync(file('design.json'), 'utf8')) as DesignSpec,
    };
  })();
  return bundled;
}

/** The report input of the bundled poll, as `npm run report` gives it. */
export async function bundledInput(): Promise<PollReportInput> {
  const b = await loadBundled();
  return {
    data: b.data,
    codebook: b.codebook,
    questionnaire: b.questionnaire,
    margins: b.margins,
    design: b.design,
    names: {
      data: 'data/belarus-2021-12.csv',
      codebook: 'data/codebook.json',
      questionnaire: 'data/questionnaire.json',
      margins: 'data/margins.json',
    },
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A new temporary folder, removed after the test file. */
export function tempDir(prefix = 'surveykit-report-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/**
 * A multiple-response question whose id would leave a folder (`x/../../escaped`), over the 0/1
 * columns `p_a` and `p_b`: the report must keep its files inside the output folder.
 */
export const ESCAPING_QUESTION = {
  id: 'x/../../escaped',
  question: { en: 'Which parties would you consider?' },
  options: [
    { variable: 'p_a', key: 'a', label: { en: 'A' } },
    { variable: 'p_b', key: 'b', label: { en: 'B' } },
  ],
};
