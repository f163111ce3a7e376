/**
 * The questionnaire structure (`data/questionnaire.json`) for the analysis layer: which columns
 * form the attitude battery and for which country, how the scale codes group into positive /
 * neutral / negative / hard to say, the multiple-response questions with their option columns,
 * the EEU items (their answers grouped the same way: "support" is positive), the subgroup
 * variables of the report, the published statements of the poll to check, and what reports
 * must say about it (`about`: the data is synthetic) and set beside it (`trends`: the EDB
 * Integration Barometer's published figures). The codebook
 * schema is strict, so this lives in its own file. `src/poll/questionnaire.ts` validates it.
 * @module
 */
import {
  ATTITUDE_SCALE,
  type AttitudeGroup,
  COUNTRIES,
  EEU_KZ_COOP,
  EEU_MEMBERSHIP,
  HARD_TO_SAY,
  MR_EXTRA_OPTIONS,
  MULTI_RESPONSE,
  REFUSED,
} from './labels.js';
import { eeuTrend } from './published.js';

/** A text in English with its Russian and (where written) Belarusian translations. */
interface Text {
  en: string;
  ru: string;
  be?: string;
}

/** The text of a label with its translations (Belarusian only where the label has one). */
const text = (x: { label: string; ru: string; be?: string }): Text => ({
  en: x.label,
  ru: x.ru,
  ...(x.be ? { be: x.be } : {}),
});

/** A coded answer with the group it counts in (positive, neutral, negative, dk, missing). */
interface Answer {
  code: number;
  label: Text;
  group: AttitudeGroup;
}

/** What a published statement says, in a form `src/poll/headline.ts` evaluates. */
type Check =
  | {
      type: 'share';
      variable: string;
      groups: AttitudeGroup[];
      comparison: '>' | '<';
      threshold: number;
    }
  | { type: 'rank'; question: string; option: string; rank: number; above: string[] };

/** The content of `data/questionnaire.json`. */
export interface Questionnaire {
  description: string;
  /** Codebook missing code shared by all substantive items, and the real "hard to say" code. */
  codes: { refused: number; hardToSay: number };
  countries: Array<{ key: string; label: Text }>;
  attitudes: {
    question: Text;
    id: string;
    scale: Answer[];
    groups: Record<string, number[]>;
    items: Array<{ variable: string; key: string; label: Text }>;
  };
  multipleResponse: Array<{
    id: string;
    question: Text;
    maxAnswers: number;
    /** Rows with every option column empty refused the question (missing). */
    missing: string;
    options: Array<{ variable: string; key: string; kind: 'country' | 'none' | 'dk'; label: Text }>;
  }>;
  eeu: Array<{
    id: string;
    variable: string;
    question: Text;
    answers: Answer[];
  }>;
  /** Variables the report breaks the EEU items down by. */
  subgroups: Array<{ variable: string; label: Text }>;
  /** The banner of the report's tab book (its banner tables). */
  banner: string[];
  /** The poll's published statements (data/README.md), with their source and how to check them. */
  headlines: Array<{
    id: string;
    statement: string;
    source: string;
    /** A short label for charts. */
    label?: string;
    check: Check;
  }>;
  /** What every report of the poll says about it: that the data is synthetic. */
  about: { source: string; notice: string; methodology: string[] };
  /** Published figures charted beside the poll's estimates. */
  trends: Array<ReturnType<typeof eeuTrend>>;
}

/** The notice at the top of every report of the bundled poll. */
const NOTICE =
  'Synthetic data: every respondent in this sample was simulated. The figures illustrate the ' +
  'method and must not be cited as Belarusian opinion (see Methodology).';

/** Where the data comes from: printed under every chart and table of a report. */
const SOURCE =
  'Synthetic data: simulated respondents modelled on a Belarusian national poll of December ' +
  '2021 (BISR); not a measurement of opinion';

/**
 * The paragraph opening the methodology of every report of the bundled poll (reader-facing:
 * it names no file or folder of the repository).
 */
const SYNTHETIC =
  'THE DATA IS SYNTHETIC. No respondent in this sample exists: the sample was simulated by ' +
  "surveykit's data generator to resemble a Belarusian national face-to-face poll of " +
  'December 2021 (Belarusian Institute of Strategic Research). Only three findings of that poll ' +
  'were ever published, and the simulation was calibrated so that they hold; every other figure ' +
  'in this report is an output of the simulation model, not a measurement of Belarusian ' +
  'opinion. The sample, its model and the published findings are documented with the data.';

/** Where the three published findings were reported (see data/README.md). */
const HEADLINE_SOURCE =
  'Belarusian Institute of Strategic Research (BISR) poll, December 2021, as reported by ' +
  'Grodnenskaya Pravda (2022), "The Caspian reset"';

/** The answer group of each EEU answer code: support is the positive pole. */
const KZ_COOP_GROUPS: Record<number, AttitudeGroup> = {
  1: 'positive',
  2: 'negative',
  [HARD_TO_SAY]: 'dk',
  [REFUSED]: 'missing',
};
const MEMBERSHIP_GROUPS: Record<number, AttitudeGroup> = {
  1: 'positive',
  2: 'neutral',
  3: 'negative',
  [HARD_TO_SAY]: 'dk',
  [REFUSED]: 'missing',
};

/** An answer with its group; every code must have one. */
function grouped(
  a: { code: number; label: string; ru: string },
  groups: Record<number, AttitudeGroup>,
): Answer {
  const group = groups[a.code];
  if (group === undefined) throw new Error(`no answer group for code ${a.code}`);
  return { code: a.code, label: text(a), group };
}

/** Builds the questionnaire description. */
export function buildQuestionnaire(): Questionnaire {
  const groups: Record<string, number[]> = {};
  for (const s of ATTITUDE_SCALE) (groups[s.group] ??= []).push(s.code);
  return {
    description:
      'Structure of the synthetic reference poll (data/belarus-2021-12.csv): attitude battery, ' +
      'multiple-response questions and EEU items. Value labels and missing codes are in ' +
      'data/codebook.json.',
    codes: { refused: REFUSED, hardToSay: HARD_TO_SAY },
    countries: COUNTRIES.map((c) => ({ key: c.key, label: text(c) })),
    attitudes: {
      question: {
        en: 'What is your attitude toward the following countries?',
        ru: 'Как Вы относитесь к следующим странам?',
        be: 'Як Вы ставіцеся да наступных краін?',
      },
      scale: ATTITUDE_SCALE.map((s) => ({ code: s.code, label: text(s), group: s.group })),
      id: 'attitudes',
      groups,
      items: COUNTRIES.map((c) => ({ variable: `att_${c.key}`, key: c.key, label: text(c) })),
    },
    multipleResponse: MULTI_RESPONSE.map((q) => ({
      id: q.id,
      question: text(q),
      maxAnswers: q.maxAnswers,
      missing:
        'A respondent who refused the question has every option column empty; others have 0/1 in ' +
        'every column. "none" and "dk" exclude any country.',
      options: [
        ...COUNTRIES.map((c) => ({
          variable: `${q.prefix}_${c.key}`,
          key: c.key,
          kind: 'country' as const,
          label: text(c),
        })),
        ...MR_EXTRA_OPTIONS.map((o) => ({
          variable: `${q.prefix}_${o.key}`,
          key: o.key,
          kind: o.key,
          label: text(o),
        })),
      ],
    })),
    eeu: [
      {
        id: 'eeu_kz_coop',
        variable: 'eeu_kz_coop',
        question: {
          en: 'Support for cooperation with Kazakhstan within the Eurasian Economic Union',
          ru: 'Поддержка сотрудничества с Казахстаном в рамках ЕАЭС',
          be: 'Падтрымка супрацоўніцтва з Казахстанам у рамках ЕАЭС',
        },
        answers: EEU_KZ_COOP.map((a) => grouped(a, KZ_COOP_GROUPS)),
      },
      {
        id: 'eeu_membership',
        variable: 'eeu_membership',
        question: {
          en: 'Attitude toward the membership of Belarus in the Eurasian Economic Union',
          ru: 'Отношение к членству Беларуси в ЕАЭС',
          be: 'Стаўленне да членства Беларусі ў ЕАЭС',
        },
        answers: EEU_MEMBERSHIP.map((a) => grouped(a, MEMBERSHIP_GROUPS)),
      },
    ],
    subgroups: [
      {
        variable: 'agegroup',
        label: { en: 'Age group', ru: 'Возрастная группа', be: 'Узроставая група' },
      },
      { variable: 'region', label: { en: 'Region', ru: 'Регион', be: 'Рэгіён' } },
      {
        variable: 'settlement',
        label: { en: 'Settlement type', ru: 'Тип населённого пункта', be: 'Тып населенага пункта' },
      },
      { variable: 'education', label: { en: 'Education', ru: 'Образование', be: 'Адукацыя' } },
    ],
    banner: ['sex', 'agegroup', 'region', 'settlement'],
    headlines: [
      {
        id: 'kz_positive_or_neutral',
        statement: 'More than 90% have a positive or neutral attitude toward Kazakhstan',
        source: HEADLINE_SOURCE,
        check: {
          type: 'share',
          variable: 'att_kazakhstan',
          groups: ['positive', 'neutral'],
          comparison: '>',
          threshold: 0.9,
        },
      },
      {
        id: 'kz_eeu_cooperation',
        statement:
          'More than 60% support cooperation with Kazakhstan within the Eurasian Economic Union',
        source: HEADLINE_SOURCE,
        check: {
          type: 'share',
          variable: 'eeu_kz_coop',
          groups: ['positive'],
          comparison: '>',
          threshold: 0.6,
        },
      },
      ...MULTI_RESPONSE.map((q) => ({
        id: `kz_second_${q.id}`,
        statement:
          q.id === 'reliable'
            ? 'Apart from Russia, Kazakhstan is the most reliable partner of Belarus in the international arena'
            : 'Apart from Russia, Kazakhstan is the country whose interests are most consistent with those of Belarus',
        source: HEADLINE_SOURCE,
        label: `Kazakhstan named as ${q.id === 'reliable' ? 'a most reliable partner' : 'sharing our interests'} (claimed rank 2)`,
        check: {
          type: 'rank' as const,
          question: q.id,
          option: 'kazakhstan',
          rank: 2,
          above: ['russia'],
        },
      })),
    ],
    about: { source: SOURCE, notice: NOTICE, methodology: [SYNTHETIC] },
    trends: [eeuTrend()],
  };
}
