/**
 * coefficientChart: valid Vega-Lite, golden spec and SVG, odds ratios on a log axis for logistic
 * models (and ordinal ones), coefficients on a linear axis for gaussian ones.
 */
import type { TopLevelSpec } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { coefficientChart } from '../../src/charts/coefficients.js';
import { compileChart, renderSvg } from '../../src/charts/render.js';
import { svyDesign } from '../../src/design/build.js';
import { svyGlm } from '../../src/models/glm.js';
import { svyOlr } from '../../src/models/olr.js';
import type { GlmFit } from '../../src/models/types.js';
import { loadReferenceData } from '../helpers/reference.js';
import { modelDesign } from '../models/reference-designs.js';
import {
  golden,
  normalizeSvg,
  type PollResults,
  pollResults,
  roundJson,
  vegaLiteValidator,
} from './fixtures.js';

interface View {
  data: { values: Array<Record<string, unknown>> };
  layer: Array<{ encoding: Record<string, { scale?: { type?: string }; datum?: number }> }>;
  title: { text: string; subtitle: string | string[] };
}
const view = (spec: TopLevelSpec) => spec as unknown as View;

let r: PollResults;
let logistic: GlmFit;
let specs: Record<string, TopLevelSpec>;
const validate = vegaLiteValidator();
beforeAll(async () => {
  r = await pollResults();
  logistic = svyGlm(r.design, 'eeu_membership ~ agegroup + sex + region', {
    family: 'quasibinomial',
    success: 'Support',
  });
  const strat = svyDesign(loadReferenceData('apistrat.csv'), {
    strata: 'stype',
    weights: 'pw',
    fpc: 'fpc',
  });
  specs = {
    'coefficients-odds': coefficientChart(logistic, {
      labels: r.labels,
      title: 'Support for EEU membership',
    }),
    'coefficients-odds-ru': coefficientChart(logistic, {
      labels: r.labels,
      language: 'ru',
      title: 'Поддержка членства в ЕАЭС',
      terms: ['agegroup', 'region'],
    }),
    'coefficients-gaussian': coefficientChart(
      svyGlm(strat, 'api00 ~ ell + meals + mobility + stype'),
      {
        title: 'API 2000',
        sort: 'ascending',
      },
    ),
  };
});

describe('coefficientChart', () => {
  it('gives valid specs that compile without warnings and match their golden files', async () => {
    for (const [name, spec] of Object.entries(specs)) {
      expect(validate(spec) ? [] : validate.errors?.slice(0, 5), name).toEqual([]);
      expect(compileChart(spec).warnings, name).toEqual([]);
      const text = `${JSON.stringify(roundJson(spec), null, 1)}\n`;
      const g = golden(`${name}.vl.json.golden`, text);
      expect(g.actual, name).toBe(g.expected);
      const svg = await renderSvg(spec);
      const s = golden(`${name}.svg.golden`, `${normalizeSvg(svg)}\n`);
      expect(s.actual, name).toBe(s.expected);
    }
  });

  it('shows a logistic model as odds ratios on a log axis, with the reference line at 1', () => {
    const v = view(specs['coefficients-odds']!);
    const rows = v.data.values;
    const c = logistic.coefficients.filter((x) => x.term !== '(Intercept)');
    expect(rows).toHaveLength(c.length);
    rows.forEach((row, j) => {
      expect(row.estimate).toBeCloseTo(Math.exp(c[j]!.estimate), 12);
      expect(row.lo).toBeCloseTo(Math.exp(c[j]!.ci[0]), 12);
      expect(row.significant).toBe(c[j]!.pValue < 0.05);
    });
    expect(rows[0]!.label).toBe('Age group: 30-39');
    expect(v.layer[0]!.encoding.x!.datum).toBe(1);
    expect(v.layer[1]!.encoding.x!.scale?.type).toBe('log');
    expect(JSON.stringify(v.title)).toContain(
      'Compared with: Age group 18-29, Sex Male, Region Brest',
    );
  });

  it('translates labels, and keeps only the terms asked for', () => {
    const rows = view(specs['coefficients-odds-ru']!).data.values;
    expect(rows.map((x) => x.label)).toContain('Регион: г. Минск');
    expect(rows.some((x) => String(x.label).startsWith('Пол'))).toBe(false);
    expect(rows[0]!.estimateText).toMatch(/^\d,\d\d$/);
  });

  it('shows a gaussian model as coefficients with the reference line at 0', () => {
    const v = view(specs['coefficients-gaussian']!);
    expect(v.layer[0]!.encoding.x!.datum).toBe(0);
    expect(v.layer[1]!.encoding.x!.scale?.type).toBeUndefined();
    expect(v.data.values.map((x) => x.label)).toEqual([
      'ell',
      'meals',
      'mobility',
      'stype: H',
      'stype: M',
    ]);
  });

  it('prints the source and the note under the chart, in its language', () => {
    const spec = coefficientChart(logistic, {
      labels: r.labels,
      language: 'be',
      source: 'Synthetic data',
      note: 'n = 1475',
    }) as unknown as {
      title: { text: string; subtitle: string[] };
      vconcat: Array<{ title: { text: string[]; orient: string }; data: View['data'] }>;
    };
    expect(spec.vconcat).toHaveLength(1);
    expect(spec.vconcat[0]!.title.orient).toBe('bottom');
    expect(spec.vconcat[0]!.title.text).toEqual(['Крыніца: Synthetic data', 'n = 1475']);
    // the chart's own words in Belarusian, numbers with a decimal comma
    expect(spec.title.text).toBe('Адносіны шанцаў');
    const subtitle = spec.title.subtitle.join(' ');
    expect(subtitle).toMatch(/^Кропкі: адносіны шанцаў; лініі: 95% давяральны інтэрвал; /);
    expect(subtitle).toContain('У параўнанні з: ');
    expect(spec.vconcat[0]!.data.values[0]!.estimateText).toMatch(/^\d,\d\d$/);
    expect(validate(spec as unknown as TopLevelSpec)).toBe(true);
    // without a source or note the chart stands alone
    expect('vconcat' in specs['coefficients-odds']!).toBe(false);
  });

  it('an ordinal model: cumulative odds ratios, without the cutpoints', () => {
    const fit = svyOlr(modelDesign('dclus1_meal'), 'mealcat ~ avg.ed + stype');
    const rows = view(coefficientChart(fit)).data.values;
    expect(rows.map((x) => x.label)).toEqual(['avg.ed', 'stype: H', 'stype: M']);
    expect(rows[0]!.estimate).toBeCloseTo(Math.exp(fit.coefficients[0]!.estimate), 12);
  });
});
