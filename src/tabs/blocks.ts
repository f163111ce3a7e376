/**
 * The row items of a banner table as estimation blocks: each block is what one pass over the
 * respondents estimates for every column at once.
 *
 * - A categorical item or a net is a block of *codes* (a level per respondent, -1: no answer):
 *   a cell is the share of a level among the column's respondents with an answer.
 * - A numeric item, or a multiple-response question (its options' 0/1 columns and the number of
 *   options named × 100), is a block of *values* over a base of respondents: a cell is the
 *   weighted mean of a value among the column's respondents in the base.
 * @module
 */
import { getCategorical, getColumn } from '../data/frame.js';
import type { SurveyDesign } from '../design/types.js';
import { EstimationError } from '../errors.js';
import { responseBase } from '../poll/multiple-response.js';
import { textOf } from '../poll/questionnaire.js';
import type { TabRow, TabRowSpec } from './types.js';

/** What a block's output row is (a {@link TabRow} without its cells). */
export type BlockRow = Omit<TabRow, 'cells' | 'comparisons'>;

/** A block of codes: a categorical item or a net. */
export interface CodesBlock {
  readonly kind: 'codes';
  /** Per respondent: a level 0..levels−1, or −1 (no answer). */
  readonly codes: Int32Array;
  /** Number of levels. */
  readonly levels: number;
  /** The levels estimated (their shares), one output row each. */
  readonly estimated: readonly number[];
  /** The output rows, one per entry of `estimated`. */
  readonly rows: readonly BlockRow[];
}

/** A block of values over a base: a numeric item or a multiple-response question. */
export interface ValuesBlock {
  readonly kind: 'values';
  /** The values, one column per output row (finite on the base's rows). */
  readonly values: readonly Float64Array[];
  /** 1 for respondents in the base (answered; the design's domain is applied separately). */
  readonly base: Uint8Array;
  /** The output rows, one per value column. */
  readonly rows: readonly BlockRow[];
}

/** An estimation block. */
export type Block = CodesBlock | ValuesBlock;

/**
 * The blocks of a spec's rows, in order, with the label of each question.
 * @throws {EstimationError} `UNKNOWN_VARIABLE`, `NOT_CATEGORICAL` (a net of a numeric
 *   variable), `UNKNOWN_LEVEL` (a net's level the variable does not have), `NOT_NUMERIC`,
 *   `NOT_BINARY` (multiple-response options).
 * @example
 * ```ts
 * const data = fromColumns({ q: ['a', 'b', null], x: [1, 2, 3] });
 * const blocks = rowBlocks(svyDesign(data), ['q', { net: 'a or b', variable: 'q', levels: ['a', 'b'] }, 'x'], 'exclude');
 * console.log(blocks.map((b) => `${b.block.kind}:${b.block.rows.map((r) => r.label).join('/')}`)); // => [ 'codes:a/b', 'codes:a or b', 'values:Mean' ]
 * ```
 */
export function rowBlocks(
  design: SurveyDesign,
  rows: readonly TabRowSpec[],
  partial: 'exclude' | 'notNamed',
): Array<{ block: Block; question: { id: string; label: string } }> {
  const data = design.data;
  const labelOf = (name: string) =>
    data.codebook.variables.find((v) => v.name === name)?.label ?? name;
  return rows.map((row) => {
    if (typeof row === 'string') {
      const col = getColumn(data, row);
      const question = { id: row, label: labelOf(row) };
      if (col.kind === 'categorical') {
        const block: CodesBlock = {
          kind: 'codes',
          codes: col.codes,
          levels: col.levels.length,
          estimated: col.levels.map((_, l) => l),
          rows: col.levels.map((level) => ({
            variable: row,
            level,
            statistic: 'share',
            kind: 'level',
            question: row,
            label: level,
          })),
        };
        return { block, question };
      }
      const y = col.values;
      const base = new Uint8Array(y.length);
      for (let i = 0; i < y.length; i++) base[i] = Number.isNaN(y[i]!) ? 0 : 1;
      const block: ValuesBlock = {
        kind: 'values',
        values: [y],
        base,
        rows: [
          {
            variable: row,
            level: null,
            statistic: 'mean',
            kind: 'mean',
            question: row,
            label: 'Mean',
          },
        ],
      };
      return { block, question };
    }
    if ('net' in row)
      return {
        block: netBlock(design, row),
        question: { id: row.variable, label: labelOf(row.variable) },
      };
    const q = row.multipleResponse;
    return {
      block: multipleResponseBlock(design, row, partial),
      question: { id: q.id, label: textOf(q.question) },
    };
  });
}

/** A net as a block of two codes (0: another answer, 1: one of the net's levels). */
function netBlock(design: SurveyDesign, net: Extract<TabRowSpec, { net: string }>): CodesBlock {
  const col = getCategorical(design.data, net.variable);
  const inNet = new Uint8Array(col.levels.length);
  for (const level of net.levels) {
    const l = col.levels.indexOf(level);
    if (l < 0) {
      throw new EstimationError(
        'UNKNOWN_LEVEL',
        `net "${net.net}": "${net.variable}" has no level "${level}" (its levels: ${col.levels.join(', ')})`,
        { variable: net.variable, level, valid: [...col.levels] },
      );
    }
    inNet[l] = 1;
  }
  const src = col.codes;
  const codes = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    codes[i] = c < 0 ? -1 : inNet[c]!;
  }
  return {
    kind: 'codes',
    codes,
    levels: 2,
    estimated: [1],
    rows: [
      {
        variable: net.variable,
        level: net.net,
        statistic: 'share',
        kind: 'net',
        question: net.variable,
        label: net.net,
      },
    ],
  };
}

/**
 * A multiple-response question: each option's 0/1 column (a missing option counted as not
 * named, as `partial: 'notNamed'` keeps such rows) and 100 × the number of options named, over
 * the respondents who answered.
 */
function multipleResponseBlock(
  design: SurveyDesign,
  row: Extract<TabRowSpec, { multipleResponse: unknown }>,
  partial: 'exclude' | 'notNamed',
): ValuesBlock {
  const q = row.multipleResponse;
  const { columns, base } = responseBase(design, q, partial);
  const n = base.length;
  const values = columns.map((y) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) if (base[i] && y[i] === 1) v[i] = 1;
    return v;
  });
  const mentions = new Float64Array(n);
  for (const v of values) for (let i = 0; i < n; i++) mentions[i]! += 100 * v[i]!;
  const rows: BlockRow[] = q.options.map((o) => ({
    variable: o.variable,
    level: o.key,
    statistic: 'share',
    kind: 'option',
    question: q.id,
    label: textOf(o.label),
  }));
  rows.push({
    variable: q.id,
    level: null,
    statistic: 'mean',
    kind: 'mentions',
    question: q.id,
    label: 'Mentions per 100',
  });
  return { kind: 'values', values: [...values, mentions], base, rows };
}
