/**
 * The questionnaire structure (`data/questionnaire.json`) for the analysis layer: which columns
 * form the attitude battery and for which country, how the scale codes group into positive /
 * neutral / negative / hard to say, the multiple-response questions with their option columns,
 * and the EEU items. The codebook schema is strict, so this lives in its own file.
 * @module
 */
import {
  ATTITUDE_SCALE,
  COUNTRIES,
  EEU_KZ_COOP,
  EEU_MEMBERSHIP,
  HARD_TO_SAY,
  MR_EXTRA_OPTIONS,
  MULTI_RESPONSE,
  REFUSED,
} from './labels.js';

/** A text in English with its Russian translation. */
interface Text {
  en: string;
  ru: string;
}

/** The content of `data/questionnaire.json`. */
export interface Questionnaire {
  description: string;
  /** Codebook missing code shared by all substantive items, and the real "hard to say" code. */
  codes: { refused: number; hardToSay: number };
  countries: Array<{ key: string; label: Text }>;
  attitudes: {
    question: Text;
    scale: Array<{ code: number; label: Text; group: string }>;
    groups: Record<string, number[]>;
    items: Array<{ variable: string; country: string }>;
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
    variable: string;
    question: Text;
    answers: Array<{ code: number; label: Text }>;
    support: number[];
  }>;
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
    countries: COUNTRIES.map((c) => ({ key: c.key, label: { en: c.label, ru: c.ru } })),
    attitudes: {
      question: {
        en: 'What is your attitude toward the following countries?',
        ru: 'Как Вы относитесь к следующим странам?',
      },
      scale: ATTITUDE_SCALE.map((s) => ({
        code: s.code,
        label: { en: s.label, ru: s.ru },
        group: s.group,
      })),
      groups,
      items: COUNTRIES.map((c) => ({ variable: `att_${c.key}`, country: c.key })),
    },
    multipleResponse: MULTI_RESPONSE.map((q) => ({
      id: q.id,
      question: { en: q.label, ru: q.ru },
      maxAnswers: q.maxAnswers,
      missing:
        'A respondent who refused the question has every option column empty; others have 0/1 in ' +
        'every column. "none" and "dk" exclude any country.',
      options: [
        ...COUNTRIES.map((c) => ({
          variable: `${q.prefix}_${c.key}`,
          key: c.key,
          kind: 'country' as const,
          label: { en: c.label, ru: c.ru },
        })),
        ...MR_EXTRA_OPTIONS.map((o) => ({
          variable: `${q.prefix}_${o.key}`,
          key: o.key,
          kind: o.key,
          label: { en: o.label, ru: o.ru },
        })),
      ],
    })),
    eeu: [
      {
        variable: 'eeu_kz_coop',
        question: {
          en: 'Support for cooperation with Kazakhstan within the Eurasian Economic Union',
          ru: 'Поддержка сотрудничества с Казахстаном в рамках ЕАЭС',
        },
        answers: EEU_KZ_COOP.map((a) => ({ code: a.code, label: { en: a.label, ru: a.ru } })),
        support: [1],
      },
      {
        variable: 'eeu_membership',
        question: {
          en: 'Attitude toward the membership of Belarus in the Eurasian Economic Union',
          ru: 'Отношение к членству Беларуси в ЕАЭС',
        },
        answers: EEU_MEMBERSHIP.map((a) => ({ code: a.code, label: { en: a.label, ru: a.ru } })),
        support: [1],
      },
    ],
  };
}
