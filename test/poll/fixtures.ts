/** Shared fixtures of the poll tests: R's answers (poll.json) and the two designs they use. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCodebook } from '../../src/data/codebook.js';
import { readCsv } from '../../src/data/csv/csv.js';
import { fromColumns } from '../../src/data/frame.js';
import { svyDesign } from '../../src/design/build.js';
import type { SurveyDesign } from '../../src/design/types.js';
import { parseQuestionnaire, type Questionnaire } from '../../src/poll/questionnaire.js';
import { loadReferenceJson, referenceDir } from '../helpers/reference.js';

export const root = join(referenceDir, '..', '..');

type Interval = [number, number];
export interface MrCase {
  id: string;
  design: 'small' | 'poll';
  variables: string[];
  n: number;
  nMissing: number;
  nPartial: number;
  degf: number;
  estimate: number[];
  se: number[];
  vcov: number[][];
  ci95_df: Interval[];
  mentions: { estimate: number; se: number };
  contrasts: Array<{
    a: string;
    b: string;
    estimate: number;
    se: number;
    t: number;
    df: number;
    p: number;
    ci95_df: Interval;
  }>;
}
export interface BatteryCase {
  id: string;
  design: 'small' | 'poll';
  degf: number;
  items: Array<{
    variable: string;
    codes: number[];
    n: number;
    nMissing: number;
    shares: number[];
    sharesSe: number[];
    sharesVcov: number[][];
    stats: Record<string, { estimate: number; se: number }>;
  }>;
  cross: Record<string, { estimate: number[]; vcov: number[][] }>;
}
export interface SubgroupCase {
  id: string;
  design: 'small' | 'poll';
  degf: number;
  variable: string;
  counts: number[];
  by: string;
  national: { estimate: number; se: number };
  rows: Array<{
    subgroup: string;
    n: number;
    estimate: number;
    se: number;
    covWithNational: number;
    difference: number;
    differenceSe: number;
    t: number;
    p: number;
    differenceCi95_df: Interval;
    svybyEstimate: number;
    svybySe: number;
  }>;
}
export interface PollReference {
  designs: Record<'small' | 'poll', { degf: number }>;
  smallData: Record<string, Array<number | null> | Array<string | null>>;
  multipleResponse: MrCase[];
  battery: BatteryCase[];
  subgroups: SubgroupCase[];
}

export const ref = loadReferenceJson<PollReference>('poll.json');

/** The hand-made design of poll.R, rebuilt from the columns it wrote. */
export function smallDesign(): SurveyDesign {
  const data = fromColumns(ref.smallData, { source: 'poll.json smallData' });
  return svyDesign(data, { ids: 'psu', strata: 'stratum', weights: 'w', nest: true });
}

/** The questionnaire of the small design (codes as in poll.R). */
export const smallQuestionnaire: Questionnaire = parseQuestionnaire({
  attitudes: {
    id: 'small',
    question: { en: 'Attitude?' },
    scale: [
      { code: 1, label: { en: 'Very positive' }, group: 'positive' },
      { code: 2, label: { en: 'Rather positive' }, group: 'positive' },
      { code: 3, label: { en: 'Neutral' }, group: 'neutral' },
      { code: 4, label: { en: 'Rather negative' }, group: 'negative' },
      { code: 5, label: { en: 'Very negative' }, group: 'negative' },
      { code: 98, label: { en: 'Hard to say' }, group: 'dk' },
    ],
    items: ['x', 'y', 'z'].map((k) => ({ variable: `att_${k}`, key: k, label: { en: k } })),
  },
  multipleResponse: [
    {
      id: 'mr',
      question: { en: 'Which?' },
      options: [
        { variable: 'mr_a', key: 'a', label: { en: 'A' } },
        { variable: 'mr_b', key: 'b', label: { en: 'B' } },
        { variable: 'mr_c', key: 'c', label: { en: 'C' } },
        { variable: 'mr_none', key: 'none', kind: 'none', label: { en: 'None' } },
      ],
    },
  ],
  eeu: [
    {
      id: 'coop',
      variable: 'coop',
      question: { en: 'Cooperate?' },
      answers: [
        { code: 1, label: { en: 'Support' }, group: 'positive' },
        { code: 2, label: { en: 'Do not support' }, group: 'negative' },
        { code: 98, label: { en: 'Hard to say' }, group: 'dk' },
      ],
    },
  ],
  subgroups: [{ variable: 'grp', label: { en: 'Group' } }],
});

/** The bundled poll's questionnaire. */
export const pollQuestionnaire: Questionnaire = parseQuestionnaire(
  JSON.parse(readFileSync(join(root, 'data', 'questionnaire.json'), 'utf8')),
);

let poll: Promise<SurveyDesign> | null = null;
/** The bundled poll (read with its codebook) with its design weights. */
export function pollDesign(): Promise<SurveyDesign> {
  poll ??= (async () => {
    const codebook = parseCodebook(
      JSON.parse(readFileSync(join(root, 'data', 'codebook.json'), 'utf8')),
    );
    const data = await readCsv(join(root, 'data', 'belarus-2021-12.csv'), { codebook });
    return svyDesign(data, {
      ids: 'psu',
      strata: 'stratum',
      weights: 'design_weight',
      nest: true,
    });
  })();
  return poll;
}

/** The design a reference case names. */
export function designOf(name: 'small' | 'poll'): Promise<SurveyDesign> {
  return name === 'small' ? Promise.resolve(smallDesign()) : pollDesign();
}

/** The questionnaire of a reference case's design. */
export function questionnaireOf(name: 'small' | 'poll'): Questionnaire {
  return name === 'small' ? smallQuestionnaire : pollQuestionnaire;
}
