/**
 * `surveykit report DATA`: the main job for any poll. Reads the data (CSV or SPSS), its codebook,
 * questionnaire description and margins as given (never the bundled sample's), builds the design,
 * and writes the report made by `pollReport` into `--out` with `writePollReport`: progress on
 * stderr, the headline statements and what was written on stdout.
 * @module
 */
import { pollReport } from '../report/report.js';
import { writePollReport } from '../report/write.js';
import { defineCommand, listOption, numberOption, stringOption } from './args.js';
import { type Command, EXIT, UsageError } from './command.js';
import { CSV_HELP, CSV_OPTIONS, csvOptionsFrom } from './data-options.js';
import {
  DESIGN_HELP,
  DESIGN_OPTIONS,
  designSpecFrom,
  pollFileNames,
  readPollInputs,
} from './inputs.js';
import { VERSION } from './version.js';

const USAGE = `usage: surveykit report DATA [options]

Weights a poll to its population and writes its report: summary.json (design, weighting,
every headline estimate), tables/*.csv, each chart as PNG, SVG and Vega-Lite JSON in charts/,
and report.html (one self-contained page). DATA is a CSV or SPSS (.sav, .zsav) file.

With --questionnaire the report follows it: the attitude battery, the multiple-response
questions, the single items overall and by subgroup, the published statements checked against
the data. Without one it is the weighted topline of every variable. Only the files given are
read: nothing is taken from anywhere else.

inputs:
  --codebook CB.json     the data's codebook (types, value labels, missing codes); without it
                         a CSV file's column types are inferred from the data, and it says so
  --questionnaire Q.json the questionnaire description (sections, headlines, notice, trends)
  --margins M.json       population margins: the design weights are raked to them
${CSV_HELP}

${DESIGN_HELP}

output:
  --out DIR              the folder to write (default: out)
  --level P              confidence level of every interval and test (default 0.95)
  --title TEXT           the report's title
  --source TEXT          where the data comes from, printed under every chart and table
                         (default: the questionnaire's about.source, the codebook's source,
                         or the data file's name)
  --language CODE        language of the charts' words and labels (default en; ru and be
                         have their own words, other languages English words)
  --banner COLS          the banner of the tab book (tables/tabs.csv, tabs.xlsx and the page's
                         Tables section: every item by these variables, with letters);
                         default the questionnaire's banner, else its subgroups
  --no-tabs              no banner tables
  --no-charts            no charts and no report.html (summary.json and tables only)
  --no-png               charts as SVG and Vega-Lite JSON only
  --no-escape-formulas   write the tables' text as it is: by default a CSV cell that starts
                         with = + - or @ gets a ' before it, so that a spreadsheet shows it as
                         text and does not run it
  --json                 print summary.json on stdout instead of the headline lines
  -h, --help             this help

example (the bundled sample, as npm run report does):
  surveykit report data/belarus-2021-12.csv --codebook data/codebook.json \\
    --questionnaire data/questionnaire.json --margins data/margins.json \\
    --design data/design.json --out out

exit codes: 0 done, 1 the data could not be used, 2 the command was misused`;

const OPTIONS = {
  ...DESIGN_OPTIONS,
  codebook: { type: 'string' },
  questionnaire: { type: 'string' },
  margins: { type: 'string' },
  ...CSV_OPTIONS,
  out: { type: 'string' },
  level: { type: 'string' },
  title: { type: 'string' },
  source: { type: 'string' },
  language: { type: 'string' },
  banner: { type: 'string' },
  'no-tabs': { type: 'boolean' },
  'no-charts': { type: 'boolean' },
  'no-png': { type: 'boolean' },
  'no-escape-formulas': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `surveykit report`. */
export const reportCommand: Command = defineCommand({
  name: 'report',
  summary: 'weight a poll and write its report: summary.json, tables, charts, report.html',
  usage: USAGE,
  options: OPTIONS,
  positionals: [1, 1],
  async run(parsed, io) {
    const file = parsed.positionals[0]!;
    const level = numberOption(parsed, 'level', USAGE);
    if (level !== undefined && !(level > 0 && level < 1)) {
      throw new UsageError(`--level must be between 0 and 1, e.g. 0.95; got ${level}`, USAGE);
    }
    const design = await designSpecFrom(parsed, USAGE);
    const out = stringOption(parsed, 'out') ?? 'out';
    const charts = !parsed.values['no-charts'];
    const banner = listOption(parsed, 'banner');
    const title = stringOption(parsed, 'title');
    const source = stringOption(parsed, 'source');
    const language = stringOption(parsed, 'language');
    const names = pollFileNames(parsed);
    const progress = (line: string) => io.stderr(line);

    const { data, codebook, questionnaire, margins, inferred } = await readPollInputs(
      file,
      names,
      csvOptionsFrom(parsed, USAGE),
      progress,
    );

    // what the poll's description says every report must say (e.g. that the data is synthetic)
    const notice = questionnaire?.about?.notice;
    if (notice && !parsed.values.json) io.stdout(`notice: ${notice}`);

    const report = pollReport({
      data,
      design,
      ...(questionnaire ? { questionnaire } : {}),
      ...(margins ? { margins } : {}),
      ...(codebook ? { codebook } : {}),
      ...(level !== undefined ? { level } : {}),
      charts,
      chartFiles: parsed.values['no-png'] ? ['svg', 'json'] : ['png', 'svg', 'json'],
      escapeFormulas: parsed.values['no-escape-formulas'] !== true,
      ...(parsed.values['no-tabs'] ? { banner: false as const } : banner ? { banner } : {}),
      ...(title !== undefined ? { title } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(language !== undefined ? { language } : {}),
      names: {
        data: file,
        codebook: names.codebook ?? (inferred ? null : `${file} (its SPSS dictionary)`),
        questionnaire: names.questionnaire ?? null,
        margins: names.margins ?? null,
      },
      generatedBy: `surveykit report (surveykit ${VERSION})`,
      log: (line, kind) =>
        (kind === 'headline' && !parsed.values.json ? io.stdout : progress)(line),
    });
    const files = await writePollReport(report, out, { log: progress });
    if (parsed.values.json) io.stdout(JSON.stringify(report.summary, null, 2));
    else {
      const { design: d, reliability: r } = report.summary;
      const flagged = r.review + r.footnote;
      io.stdout(
        `${d.n} respondents, ${d.weights} weights (Kish deff ${d.kishDeff.toFixed(3)}, effective n ${d.effectiveN.toFixed(0)}); margin of error of a 50% share ±${(100 * (d.marginOfError50.design ?? d.marginOfError50.weighting)).toFixed(1)} points at ${Math.round(d.level * 100)}%`,
      );
      io.stdout(
        `reliability (NCHS standard for proportions): ${r.suppressed} of ${r.assessed} shares below the standard${flagged ? `, ${flagged} flagged for review or a footnote` : ''}${r.flagged.length ? `: ${r.flagged.map((f) => `${f.what} (${f.reason})`).join('; ')}` : ''}`,
      );
      io.stdout(`source: ${report.summary.source}`);
      io.stdout(
        `report: ${files.length} files in ${out}${report.html !== null ? ` (open ${out.replace(/[/\\]+$/, '')}/report.html)` : ''}`,
      );
    }
    return EXIT.ok;
  },
});
