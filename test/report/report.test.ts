import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fromColumns } from '../../src/data/frame.js';
import { CodebookError, EstimationError } from '../../src/errors.js';
import { svyMean } from '../../src/estimate/mean.js';
import { parseQuestionnaire } from '../../src/poll/questionnaire.js';
import { pollReport } from '../../src/report/report.js';
import { writePollReport } from '../../src/report/write.js';
import { tabsToCsv } from '../../src/tabs/csv.js';
import { tabsSpecFromQuestionnaire } from '../../src/tabs/questionnaire.js';
import { svyTabs } from '../../src/tabs/tabs.js';
import { bundledInput, ESCAPING_QUESTION, loadBundled, tempDir } from './fixtures.js';

function table(csv: string): Array<Record<string, string>> {
  const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

const ESTIMATE_KEYS = ['estimate', 'se', 'ci', 'n', 'nMissing'];

const CHART_NAMES = [
  'headlines',
  'attitudes',
  'ranking-attitudes-net',
  'ranking-reliable',
  'ranking-interests',
  'eeu-kz-coop-answers',
  'eeu-kz-coop-by-subgroup',
  'eeu-membership-answers',
  'eeu-membership-by-subgroup',
  'eeu-trend',
  'attitudes-ru',
  'ranking-reliable-ru',
  'attitudes-be',
  'ranking-reliable-be',
  'weighting-margins',
  'weights',
];

const TABLE_NAMES = [
  'headlines',
  'multiple-response',
  'items',
  'items-answers',
  'items-by-subgroup',
  'attitudes',
  'attitudes-answers',
  'ranking-attitudes-net',
  'ranking-attitudes-positive',
  'ranking-reliable',
  'ranking-interests',
  'tabs',
];

describe('pollReport on the bundled poll (what npm run report writes)', () => {
  it('gives the documented summary, 12 tables, 16 charts and the page, with the synthetic notice', async () => {
    const lines: Array<[string, string]> = [];
    const report = pollReport({
      ...(await bundledInput()),
      log: (line, kind) => lines.push([kind, line]),
    });

    // one progress line per stage, one headline line per statement
    expect(lines.map(([kind, l]) => `${kind} ${l.split(':')[0]}`)).toEqual([
      'progress load',
      'progress design',
      'progress weighting',
      'progress estimates',
      'headline headline',
      'headline headline',
      'headline headline',
      'headline headline',
      'progress tables',
    ]);
    expect(lines[0]![1]).toBe(
      'load: 1500 respondents, 53 columns from data/belarus-2021-12.csv (644 cells missing)',
    );
    expect(lines[2]![1]).toMatch(/^weighting: raked to region, sex, agegroup, area in 12 sweeps/);
    expect(lines[3]![1]).toBe(
      'estimates: 12 attitude items, 2 multiple-response questions, 2 items by 4 subgroup variables (df 113)',
    );
    expect(lines[4]![1]).toBe(
      'headline: yes       More than 90% have a positive or neutral attitude toward Kazakhstan: 92.4% [90.6% to 94.2%]',
    );

    // summary.json: the documented fields
    const json = JSON.parse(JSON.stringify(report.summary));
    expect(Object.keys(json)).toEqual([
      'generatedBy',
      'source',
      'notice',
      'input',
      'load',
      'design',
      'weighting',
      'reliability',
      'headlines',
      'estimates',
    ]);
    expect(json.source).toMatch(/^Synthetic data: simulated respondents/);
    expect(json.notice).toMatch(/^Synthetic data: every respondent/);
    expect(json.input).toEqual({
      data: 'data/belarus-2021-12.csv',
      codebook: 'data/codebook.json',
      questionnaire: 'data/questionnaire.json',
      margins: 'data/margins.json',
    });
    expect(json.load).toEqual({ rowsRead: 1500, rowsRejected: 0, columns: 53, missingCells: 644 });
    expect(Object.keys(json.design)).toEqual([
      'call',
      'n',
      'strata',
      'psus',
      'df',
      'weights',
      'sumWeights',
      'minWeight',
      'maxWeight',
      'kishDeff',
      'effectiveN',
      'level',
      'marginOfError50',
    ]);
    expect(json.design).toMatchObject({
      call: 'svyDesign(data, {"ids":"psu","strata":"stratum","weights":"design_weight","nest":true})',
      n: 1500,
      strata: 18,
      psus: 131,
      df: 113,
      weights: 'raked',
      level: 0.95,
    });
    expect(json.design.sumWeights).toBeCloseTo(7_490_000, 3);
    expect(json.design.effectiveN).toBeCloseTo(1500 / json.design.kishDeff, 8);
    const moe = json.design.marginOfError50;
    expect(Object.keys(moe)).toEqual(['srs', 'weighting', 'design', 'meanDeff']);
    expect(moe.srs).toBeCloseTo(1.98118 * Math.sqrt(0.25 / 1500), 6);
    expect(moe.weighting).toBeCloseTo(moe.srs * Math.sqrt(json.design.kishDeff), 12);
    const deffs = json.headlines.map((h: { deff: number }) => h.deff);
    expect(moe.meanDeff).toBeCloseTo(deffs.reduce((s: number, d: number) => s + d, 0) / 4, 12);
    expect(moe.design).toBeGreaterThan(moe.weighting);
    expect(json.weighting).toMatchObject({
      method: 'rake',
      note: 'raked to 4 margins from margins.json',
      margins: ['region', 'sex', 'agegroup', 'area'],
      iterations: 12,
      converged: true,
    });
    expect(json.weighting.kishDeffAfter).toBeGreaterThan(json.weighting.kishDeffBefore);

    expect(json.headlines.map((h: { id: string; holds: string }) => [h.id, h.holds])).toEqual([
      ['kz_positive_or_neutral', 'yes'],
      ['kz_eeu_cooperation', 'yes'],
      ['kz_second_reliable', 'yes'],
      ['kz_second_interests', 'yes'],
    ]);
    for (const h of json.headlines) {
      for (const k of [...ESTIMATE_KEYS, 'deff', 'flag', 'flagReason', 'statement', 'source'])
        expect(h, k).toHaveProperty(k);
      expect(h.ci[0]).toBeLessThan(h.estimate);
      expect(h.n + h.nMissing).toBe(1500);
    }
    expect(json.estimates.attitudes).toHaveLength(12);
    for (const a of json.estimates.attitudes)
      for (const s of ['positive', 'positiveOrNeutral', 'negative', 'net'])
        for (const k of ESTIMATE_KEYS) expect(a[s], `${a.key} ${s}`).toHaveProperty(k);
    expect(json.estimates.multipleResponse.map((m: { question: string }) => m.question)).toEqual([
      'reliable',
      'interests',
    ]);
    expect(json.estimates.items.map((i: { variable: string }) => i.variable)).toEqual([
      'eeu_kz_coop',
      'eeu_membership',
    ]);
    expect(json.estimates).not.toHaveProperty('topline');

    // the tables
    expect([...report.tables.keys()]).toEqual(TABLE_NAMES);
    const attitudes = table(report.tables.get('attitudes')!);
    expect(attitudes.map((r) => r.key)).toEqual(
      json.estimates.attitudes.map((a: { key: string }) => a.key),
    );
    expect(Number(attitudes[2]!.positiveOrNeutral)).toBeCloseTo(json.headlines[0].estimate, 12);
    for (const q of ['reliable', 'interests']) {
      const ranking = table(report.tables.get(`ranking-${q}`)!);
      expect(ranking).toHaveLength(12);
      expect(ranking.slice(0, 2).map((r) => [r.key, r.rank, r.rank_low, r.rank_high])).toEqual([
        ['russia', '1', '1', '1'],
        ['kazakhstan', '2', '2', '2'],
      ]);
    }
    const bySubgroup = table(report.tables.get('items-by-subgroup')!);
    expect(bySubgroup).toHaveLength(2 * (5 + 7 + 4 + 5));
    expect(new Set(bySubgroup.map((r) => r.by))).toEqual(
      new Set(['agegroup', 'region', 'settlement', 'education']),
    );
    expect(table(report.tables.get('headlines')!).map((r) => r.holds)).toEqual([
      'yes',
      'yes',
      'yes',
      'yes',
    ]);
    expect(table(report.tables.get('multiple-response')!)).toHaveLength(2 * 15);

    // the charts: every one in a section of the page, each a Vega-Lite v6 spec
    expect(report.charts.map((c) => c.name)).toEqual(CHART_NAMES);
    for (const c of report.charts) {
      expect(c.spec.$schema, c.name).toMatch(/vega-lite\/v6/);
      expect(c.caption, c.name).not.toBe('');
    }
    const trend = report.charts.find((c) => c.name === 'eeu-trend')!;
    expect(trend.section).toBe('trend');
    const trendValues = JSON.stringify(trend.spec);
    expect(trendValues).toContain('EDB Integration Barometer (published)');
    expect(trendValues).toContain('This poll, December 2021 (synthetic data)');
    expect(trend.caption).toContain('its data is synthetic');
    const headlines = report.charts[0]!;
    expect(JSON.stringify(headlines.spec)).toContain(
      'Kazakhstan named as a most reliable partner (claimed rank 2)',
    );

    // the page: the notice at the top, the methodology's synthetic paragraph, every chart
    const html = report.html!;
    expect(html.match(/class="vega-chart"/g)).toHaveLength(16);
    expect(html).toContain(
      '<p class="notice">Synthetic data: every respondent in this sample was simulated.',
    );
    expect(html).toContain('THE DATA IS SYNTHETIC. No respondent in this sample exists');
    expect(html).toContain('This poll (synthetic data): support EEU membership');
    for (const heading of [
      'Headline statements',
      'What is your attitude toward the following countries?',
      'Which countries are the most reliable partners of Belarus in the international arena?',
      'Attitude toward the membership of Belarus in the Eurasian Economic Union',
      'Published figures over time',
      'Charts with Russian labels',
      'Charts with Belarusian labels',
      'Weighting',
      'Methodology',
    ])
      expect(html).toContain(`>${heading}</h2>`);
    expect(html).toContain('Effective sample size');
    expect(html).toContain('92.4%'); // the Kazakhstan headline, in the headline table
    expect(html).toContain('href="charts/eeu-trend.png"');
    expect(html).toContain('<title>Synthetic reference poll modelled on a Belarusian');
  });

  it('says "synthetic data" under every chart and table, in every CSV, summary.json and the page', async () => {
    const report = pollReport(await bundledInput());
    const synthetic = /synthetic data/i;
    expect(report.summary.source).toMatch(synthetic);
    for (const c of report.charts) {
      const spec = c.spec as { vconcat?: Array<{ title?: { orient?: string; text?: string[] } }> };
      const caption = spec.vconcat?.[0]?.title;
      expect(caption?.orient, c.name).toBe('bottom');
      expect(caption?.text?.join(' '), c.name).toMatch(synthetic);
    }
    for (const [name, csv] of report.tables) {
      const rows = table(csv);
      const column = name === 'headlines' ? 'data_source' : 'source';
      expect(Object.keys(rows[0]!).at(-1), name).toBe(column);
      for (const r of rows) expect(r[column], name).toMatch(synthetic);
    }
    // every table of the page: a source line under it
    const html = report.html!;
    const tables = html.match(
      /<div class="table-wrap"[\s\S]*?<\/table><\/div>(<p class="note">[\s\S]*?<\/p>)?/g,
    )!;
    expect(tables.length).toBeGreaterThanOrEqual(10);
    for (const t of tables) expect(t).toMatch(/Source: Synthetic data/);
  });

  it('names no repository path in what readers see', async () => {
    const report = pollReport(await bundledInput());
    const page = report.html!.slice(0, report.html!.indexOf('<script type="application/json"'));
    const text = page.replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/\b(data|scripts|src|test)\/[\w.-]+/);
    expect(text).toContain('belarus-2021-12.csv'); // the inputs, by file name
    for (const c of report.charts) {
      const words = JSON.stringify(c.spec);
      expect(words, c.name).not.toMatch(/\b(data|scripts|src)\/[\w-]+\.(csv|json|ts|md)/);
    }
  });

  it('lists every answer in its table, prints small p-values as "< 0.001", flags unreliable shares', async () => {
    const report = pollReport(await bundledInput());
    const html = report.html!;
    // the partner tables: every option, "none" and "hard to say" included (not ranked)
    for (const q of report.summary.estimates.multipleResponse) {
      for (const o of q.options)
        expect(html, `${q.question} ${o.key}`).toContain(`<th scope="row">${o.label}</th>`);
    }
    expect(html).toMatch(
      /<th scope="row">None of these countries<\/th><td class="num">—<\/td><td class="num">not ranked<\/td><td class="num">6\.1%<\/td>/,
    );
    // p-values: never "0.000"
    expect(html).toContain('<td class="num">&lt; 0.001</td>');
    expect(html).not.toMatch(/<td class="num">0\.000<\/td>/);
    // reliability: Grodno's membership support fails the standard, on its own degrees of freedom
    const r = report.summary.reliability;
    expect(r.standard).toMatch(/^NCHS Data Presentation Standards for Proportions \(Parker JD/);
    expect(r.assessed).toBeGreaterThan(200);
    expect(r.flagged.map((f) => [f.what, f.flag, f.reasons])).toEqual([
      ['eeu_membership: Support, region = Grodno', 'suppress', ['ci-width']],
    ]);
    const csv = table(report.tables.get('items-by-subgroup')!);
    const grodno = csv.find((x) => x.variable === 'eeu_membership' && x.subgroup === 'Grodno')!;
    expect(grodno).toMatchObject({ flag: 'suppress', subgroup_df: '11' });
    expect(grodno.flag_reason).toMatch(/^Korn–Graubard interval 3\d\.\d points wide/);
    expect(csv.filter((x) => x.flag !== '')).toHaveLength(1);
    expect(html).toMatch(
      /<th scope="row">Grodno<\/th><td>Region<\/td><td class="num">53\.6%\*<\/td>/,
    );
    expect(html).toContain('* Below the NCHS standard for proportions (Parker et al. 2017)');
    expect(html).toContain('<dt>Reliability of shares</dt>');
  });

  it('draws its charts in the language asked, and in each the questionnaire carries', async () => {
    const report = pollReport({ ...(await bundledInput()), language: 'be', charts: true });
    const attitudes = report.charts.find((c) => c.name === 'attitudes')!;
    expect(JSON.stringify(attitudes.spec)).toContain('Расія');
    expect(JSON.stringify(attitudes.spec)).toContain('Крыніца: Synthetic data');
    expect(report.charts.map((c) => c.name)).toContain('attitudes-ru');
    expect(report.charts.map((c) => c.name)).toContain('attitudes-en');
  });

  it('uses the design weights only without margins, and builds no charts when asked', async () => {
    const { margins: _, names, ...input } = await bundledInput();
    const lines: string[] = [];
    const report = pollReport({
      ...input,
      names: { ...names, margins: null },
      charts: false,
      log: (l) => lines.push(l),
    });
    expect(lines).toContain('weighting: design weights only (no margins given)');
    expect(report.charts).toEqual([]);
    expect(report.html).toBeNull();
    expect(report.tables.size).toBe(12);
    expect(report.summary.input.margins).toBeNull();
    expect(report.summary.design.weights).toBe('design');
    expect(report.summary.weighting.method).toBe('none');
    // the design-weighted headline figures of data/README.md
    expect(report.summary.headlines[0]!.estimate).toBeCloseTo(0.925, 3);
    expect(report.summary.headlines[1]!.estimate).toBeCloseTo(0.669, 3);
  });

  it('tabulates every item by the banner (svyTabs), in the page, as tables/tabs.csv and tabs.xlsx', async () => {
    const input = await bundledInput();
    const report = pollReport({ ...input, charts: false });
    const q = input.questionnaire!;
    expect(q.banner).toEqual(['sex', 'agegroup', 'region', 'settlement']);
    const tabs = svyTabs(
      report.design,
      tabsSpecFromQuestionnaire(report.design.data, q, {
        banner: q.banner!,
        level: [0.95, 0.9],
        minBase: 30,
      }),
    );
    expect(report.tabs).toEqual(tabs);
    expect(report.tables.get('tabs')).toBe(tabsToCsv(tabs, { source: report.summary.source }));
    // the page has a Tables section with a table per question, the source under each
    const page = pollReport({ ...input, chartFiles: [] }).html!;
    expect(page).toContain('>Tables</h2>');
    expect(page).toMatch(/Letters: UPPER case p &lt; 0\.05, lower case p &lt; 0\.1/);
    // a banner given, or none
    const bySex = pollReport({ ...input, charts: false, banner: ['sex'] });
    expect(bySex.tabs!.columns.map((c) => c.variable)).toEqual([null, 'sex', 'sex']);
    expect(pollReport({ ...input, charts: false, banner: false }).tabs).toBeNull();
  });

  it('takes the confidence level, and refuses one outside (0, 1)', async () => {
    const input = await bundledInput();
    const at90 = pollReport({ ...input, level: 0.9, charts: false });
    const at95 = pollReport({ ...input, charts: false });
    const [h90, h95] = [at90.summary.headlines[0]!, at95.summary.headlines[0]!];
    expect(at90.summary.design.level).toBe(0.9);
    expect(h90.estimate).toBe(h95.estimate);
    expect(h90.ci[1] - h90.ci[0]).toBeLessThan(h95.ci[1] - h95.ci[0]);
    expect(() => pollReport({ ...input, level: 95, charts: false })).toThrow(EstimationError);
  });

  it('writes what the report holds (the same summary and tables), with the chart files it links to', async () => {
    const input = await bundledInput();
    const report = pollReport({ ...input, chartFiles: ['json'] });
    const out = tempDir();
    const files = await writePollReport(report, out);
    expect(files).toHaveLength(1 + 12 + 16 + 1 + 1);
    expect(files.map((f) => f.split('/').at(-1))).toContain('tabs.xlsx');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(report.summary)),
    );
    expect(readFileSync(join(out, 'tables', 'attitudes.csv'), 'utf8')).toBe(
      report.tables.get('attitudes'),
    );
    const spec = JSON.parse(readFileSync(join(out, 'charts', 'eeu-trend.json'), 'utf8'));
    expect(spec).toEqual(JSON.parse(JSON.stringify(report.charts[9]!.spec)));
    expect(report.html).toContain('href="charts/eeu-trend.json"');
    expect(report.html).not.toContain('href="charts/eeu-trend.png"');
  });
});

describe('pollReport on any poll', () => {
  const data = fromColumns({
    region: ['North', 'North', 'South', 'South', 'South', 'North', 'South', 'North'],
    vote: ['Yes', 'No', 'Yes', 'Yes', 'No', 'Yes', null, 'No'],
    age: [34, 51, 29, 62, 45, 38, 70, 23],
    id: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'],
    w: [1, 1, 2, 2, 2, 1, 3, 1],
  });

  it('is the weighted topline of every variable without a questionnaire', () => {
    const report = pollReport({
      data,
      design: { weights: 'w' },
      names: { codebook: null },
      scripts: { vega: '/*vega*/', vegaLite: '/*vega-lite*/', vegaEmbed: '/*vega-embed*/' },
    });
    const topline = report.summary.estimates.topline!;
    expect(topline.map((v) => [v.variable, v.type])).toEqual([
      ['region', 'categorical'],
      ['vote', 'categorical'],
      ['age', 'numeric'],
      ['id', 'categorical'],
    ]);
    // the estimates are svyMean's, with intervals on the design's degrees of freedom
    const design = report.design;
    const vote = svyMean(design, 'vote', { df: 'design' });
    expect(topline[1]!.estimates.map((e) => [e.level, e.estimate, e.ci])).toEqual(
      vote.map((e) => [e.level, e.estimate, e.ci]),
    );
    expect(topline[1]!.estimates[0]!.nMissing).toBe(1);
    expect(topline[2]!.estimates[0]!.estimate).toBe(svyMean(design, 'age')[0]!.estimate);
    expect(report.summary.headlines).toEqual([]);
    expect(report.summary.input).toEqual({
      data: '<memory>',
      codebook: null,
      questionnaire: null,
      margins: null,
    });
    expect(report.summary.design.marginOfError50.meanDeff).toBeGreaterThan(0);
    const rows = table(report.tables.get('topline')!);
    expect([...report.tables.keys()]).toEqual(['topline']);
    expect(rows).toHaveLength(2 + 2 + 1 + 8);
    expect(rows[4]).toMatchObject({ variable: 'age', type: 'numeric', level: '' });

    // a chart and a section per categorical variable; the numeric means in a table
    expect(report.charts.map((c) => [c.name, c.section])).toEqual([
      ['topline-region', 'topline-region'],
      ['topline-vote', 'topline-vote'],
      ['topline-id', 'topline-id'],
      ['weights', 'weighting'],
    ]);
    const html = report.html!;
    expect(html).toContain('>Numeric variables</h2>');
    expect(html).toContain('inferred from the data (no codebook)');
    expect(html).toContain('no codebook (types inferred), no questionnaire, no margins');
    // the page inlines the scripts given (as in a browser), not node_modules'
    expect(html).toContain('<script>/*vega*/</script>');
    // nothing of the bundled sample
    for (const word of ['Belarus', 'EEU', 'SYNTHETIC', 'ountr', 'class="notice"'])
      expect(html, word).not.toContain(word);
  });

  it('leaves out identifiers and empty columns from the topline, and says why', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
    const wide = fromColumns({
      id: ids,
      empty: ids.map(() => Number.NaN),
      q: ids.map((_, i) => (i % 3 ? 'a' : 'b')),
    });
    const report = pollReport({ data: wide, charts: false });
    expect(report.summary.estimates.topline!.map((v) => v.variable)).toEqual(['q']);
    expect(report.summary.estimates.toplineSkipped).toEqual([
      { variable: 'id', reason: '40 levels, more than 30: an identifier or open text?' },
      { variable: 'empty', reason: 'no respondent has a value' },
    ]);
  });

  it('follows a questionnaire of other questions: sections titled by them, safe file names', () => {
    const q = parseQuestionnaire({
      multipleResponse: [ESCAPING_QUESTION],
      eeu: [
        {
          id: 'vote',
          variable: 'vote',
          question: { en: 'Would you vote yes?' },
          answers: [
            { code: 'Yes', label: { en: 'Yes' }, group: 'positive' },
            { code: 'No', label: { en: 'No' }, group: 'negative' },
          ],
        },
      ],
      subgroups: [{ variable: 'region', label: { en: 'Region' } }],
      about: { notice: 'Test data only.', source: 'A test' },
    });
    const poll = fromColumns({
      region: ['N', 'N', 'S', 'S', 'S', 'N'],
      vote: ['Yes', 'No', 'Yes', 'Yes', 'No', 'Yes'],
      p_a: [1, 0, 1, 1, 0, 1],
      p_b: [0, 1, 1, 0, 1, 0],
    });
    const report = pollReport({
      data: poll,
      questionnaire: q,
      scripts: { vega: '', vegaLite: '', vegaEmbed: '' },
    });
    expect([...report.tables.keys()]).toEqual([
      'multiple-response',
      'items',
      'items-answers',
      'items-by-subgroup',
      'ranking-x-escaped',
      'tabs',
    ]);
    expect(report.charts.map((c) => c.name)).toEqual([
      'ranking-x-escaped',
      'vote-answers',
      'vote-by-subgroup',
    ]);
    expect(report.summary.estimates.topline).toBeUndefined();
    const html = report.html!;
    expect(html).toContain('>Which parties would you consider?</h2>');
    expect(html).toContain('>Would you vote yes?</h2>');
    expect(html).toContain('<p class="notice">Test data only.</p>');
    expect(html).toContain('<dt>Source</dt><dd>A test</dd>');
    expect(html).not.toContain('>Headline statements</h2>');
  });

  it('refuses a trend of no item of the questionnaire', () => {
    const q = parseQuestionnaire({
      trends: [
        {
          id: 't',
          variable: 'nowhere',
          title: 'T',
          series: 'S',
          figures: [{ x: 2020, share: 0.5, source: 'X' }],
          poll: { x: 2021, series: 'P' },
        },
      ],
    });
    expect(() => pollReport({ data, questionnaire: q, charts: false })).toThrow(CodebookError);
    expect(() => pollReport({ data, questionnaire: q, charts: false })).toThrow(
      /trends\.0\.variable: "nowhere" is not an item/,
    );
  });
});

describe('the bundled files', () => {
  it('carry the design that npm run report uses', async () => {
    const b = await loadBundled();
    expect(b.design).toEqual({
      ids: 'psu',
      strata: 'stratum',
      weights: 'design_weight',
      nest: true,
    });
  });

  it("writes labels a spreadsheet would run as formulas with a ' before them (escapeFormulas: false: as they are)", () => {
    const data = fromColumns({
      '@vote': ['=1+2', '-no', '=1+2', 'yes', '+A1', 'yes'],
      score: [-0.5, -0.5, -0.5, -0.5, -0.5, -0.5],
    });
    const topline = (escapeFormulas?: boolean) =>
      table(
        pollReport({ data, charts: false, source: '=src', escapeFormulas }).tables.get('topline')!,
      );
    const safe = topline();
    expect(new Set(safe.map((r) => r.variable))).toEqual(new Set(["'@vote", 'score']));
    expect(
      safe
        .filter((r) => r.variable === "'@vote")
        .map((r) => r.level)
        .sort(),
    ).toEqual(["'+A1", "'-no", "'=1+2", 'yes']);
    expect(new Set(safe.map((r) => r.source))).toEqual(new Set(["'=src"]));
    expect(safe.find((r) => r.variable === 'score')!.estimate).toBe('-0.5');
    const raw = topline(false);
    expect(
      raw
        .filter((r) => r.variable === '@vote')
        .map((r) => r.level)
        .sort(),
    ).toEqual(['+A1', '-no', '=1+2', 'yes']);
  });
});
