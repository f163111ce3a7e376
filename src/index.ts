/**
 * surveykit: design-based analysis of opinion-poll microdata.
 *
 * The reference is grouped by topic, in the order of an analysis: load the data, describe the
 * sample's design, weight it, estimate, model, tabulate, analyse the poll, chart and report.
 * Each topic starts with a short guide with runnable examples.
 *
 * @categoryDescription Loading
 * Reading CSV and SPSS files and codebooks into a frame, and writing them back.
 * @categoryDescription Designs
 * How the sample was drawn: clusters, strata, weights, replicate weights; domains and new variables.
 * @categoryDescription Weighting
 * Weighting a sample to population margins: raking, post-stratification, calibration, trimming.
 * @categoryDescription Estimates
 * Shares, means, totals, quantiles, differences and tests, with design-based errors.
 * @categoryDescription Models
 * Survey-weighted regression models.
 * @categoryDescription Tables
 * Banner tables with design-based significance letters, to Excel and CSV.
 * @categoryDescription Poll
 * The questionnaire, attitude batteries, multiple-response questions, subgroups, published
 * statements and reliability.
 * @categoryDescription Charts
 * Charts with intervals and captions, SVG and PNG, self-contained HTML reports, the poll report.
 * @categoryDescription Command line
 * The `surveykit` command.
 * @categoryDescription Errors
 * The typed errors surveykit throws.
 * @packageDocumentation
 */
export type { CoefficientChartOptions } from './charts/coefficients.js';
export { coefficientChart } from './charts/coefficients.js';
export type { ChartOptions, NumberSeparators } from './charts/common.js';
export {
  CHART_FONT,
  CHART_FONT_STACK,
  DIVERGING,
  numberSeparators,
  OKABE_ITO,
  withCaption,
} from './charts/common.js';
export type { DivergingChartOptions, DivergingItem } from './charts/diverging.js';
export { divergingChart } from './charts/diverging.js';
export type { ChartEstimate, EstimateChartOptions } from './charts/estimates.js';
export { estimateChart } from './charts/estimates.js';
export type { ChartLabels, ChartLanguage } from './charts/labels.js';
export { chartLabels } from './charts/labels.js';
export type { RankingChartOptions } from './charts/ranking.js';
export { rankingChart } from './charts/ranking.js';
export type { PngOptions } from './charts/render.js';
export {
  chartFontFiles,
  compileChart,
  renderPng,
  renderSvg,
  svgToPng,
  textWidth,
} from './charts/render.js';
export type {
  EstimateTableOptions,
  ReportChart,
  ReportScripts,
  ReportSection,
  ReportSpec,
  ReportTable,
} from './charts/report.js';
export { chartBundleFiles, escapeHtml, estimateTable, renderReport } from './charts/report.js';
export type { SubgroupChartOptions } from './charts/subgroups.js';
export { subgroupChart } from './charts/subgroups.js';
export type { TabsReportOptions, TabsReportSectionOptions } from './charts/tabs.js';
export { tabsReportSection, tabsReportTables } from './charts/tabs.js';
export type { TrendChartOptions, TrendPoint } from './charts/trend.js';
export { trendChart } from './charts/trend.js';
export type { WeightHistogramOptions, WeightingChartOptions } from './charts/weighting.js';
export { weightHistogram, weightingChart } from './charts/weighting.js';
export type { Codebook, CodebookVariable, ValueLabel } from './data/codebook.js';
export { codebookJsonSchema, codebookSchema, parseCodebook } from './data/codebook.js';
export type { CodebookViolation, CsvOptions } from './data/csv/csv.js';
export { parseCsv, readCsv } from './data/csv/csv.js';
export type { CsvCell, CsvFormatOptions, CsvTableOptions } from './data/csv/format.js';
export { formatCsv, formatCsvTable, isFormulaLike } from './data/csv/format.js';
export { draftCodebook } from './data/draft-codebook.js';
export type { ColumnInput } from './data/frame.js';
export { column, fromColumns } from './data/frame.js';
export type {
  SavData,
  SavFileInfo,
  SavMeasure,
  SavMissing,
  SavMultipleResponseSet,
  SavOptions,
  SavVariable,
} from './data/sav/sav.js';
export { parseSav, readSav } from './data/sav/sav.js';
export type { SavWriteOptions } from './data/sav/writer.js';
export { writeSav } from './data/sav/writer.js';
export type {
  CategoricalColumn,
  Column,
  LoadReport,
  MissingCount,
  NumericColumn,
  SurveyData,
} from './data/types.js';
export { svyDesign } from './design/build.js';
export { degreesOfFreedom } from './design/df.js';
export type {
  MutateCompute,
  MutateDef,
  MutateValue,
  MutateValues,
  RowFunction,
} from './design/mutate.js';
export { mutate } from './design/mutate.js';
export type { AsRepOptions, RepDesignSpec } from './design/replicate.js';
export { asRepDesign, svyRepDesign } from './design/replicate.js';
export type { ReplicateDesign, ReplicateType } from './design/replicate-types.js';
export type { Row } from './design/row.js';
export { subset, weights } from './design/subset.js';
export type {
  DesignSpec,
  LinearizationDesign,
  LonelyPsu,
  Stage,
  SurveyDesign,
} from './design/types.js';
export type {
  CalibrateStep,
  CalibrationFunction,
  Margin,
  NumericTotal,
  PopulationCell,
  PostStratifyStep,
  RakeStep,
  ReplicateWeighting,
  TrimStep,
  WeightingStep,
} from './design/weighting-history.js';
export type { ErrorDetails } from './errors.js';
export {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  SurveyError,
  WeightingError,
} from './errors.js';
export type { ByOptions } from './estimate/by.js';
export { svyBy } from './estimate/by.js';
export type { CellTable, CellTableOptions, TableCell } from './estimate/cell-table.js';
export type { CiPropMethod, CiPropOptions } from './estimate/ciprop.js';
export { svyCiProp } from './estimate/ciprop.js';
export type { ContrastOptions } from './estimate/contrast.js';
export { contrastLabels, svyContrast } from './estimate/contrast.js';
export type {
  CategoricalDescription,
  DataDescription,
  DescribeOptions,
  LevelDescription,
  MissingDescription,
  NumericDescription,
  VariableDescription,
} from './estimate/describe.js';
export { describeData } from './estimate/describe.js';
export type { EstimateTable } from './estimate/estimate-table.js';
export { svyMean, svyTotal } from './estimate/mean.js';
export type { NlContrastOptions } from './estimate/nlcontrast.js';
export { svyNlContrast } from './estimate/nlcontrast.js';
export type { QuantileInterval, QuantileOptions, QuantileRule } from './estimate/quantile.js';
export { svyQuantile } from './estimate/quantile.js';
export type { RatioOptions } from './estimate/ratio.js';
export { svyRatio } from './estimate/ratio.js';
export type { ChisqOptions, ChisqTest, SurveyTable, TableOptions } from './estimate/table.js';
export { svyChisq, svyTable } from './estimate/table.js';
export type { Ttest, TtestOptions } from './estimate/ttest.js';
export { svyTtest } from './estimate/ttest.js';
export type { Estimate, EstimateOptions } from './estimate/types.js';
export type { VarOptions } from './estimate/var.js';
export { svyVar } from './estimate/var.js';
export type { LimitName } from './limits.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { FamilyName, LinkName } from './models/family.js';
export { svyGlm } from './models/glm.js';
export { setHelperThread } from './models/helper-switch.js';
export type { OlrOptions } from './models/olr.js';
export { svyOlr } from './models/olr.js';
export type { PredictOptions } from './models/predict.js';
export { svyPredict } from './models/predict.js';
export type { PredMeansOptions } from './models/predmeans.js';
export { svyPredMeans } from './models/predmeans.js';
export type { NewRow } from './models/rows.js';
export type { TermTestOptions, TestableFit } from './models/term-test.js';
export { regTermTest } from './models/term-test.js';
export type {
  Coefficient,
  FactorLevels,
  GlmFit,
  GlmOptions,
  OlrFit,
  Prediction,
  TermTest,
} from './models/types.js';
export type { PollAbout, PublishedFigure, PublishedTrend } from './poll/about.js';
export type { DifferenceTest, PollOptions } from './poll/answers.js';
export type { AnswerShare, BatteryResult, GroupStatistic, ItemSummary } from './poll/battery.js';
export { GROUP_STATISTICS, svyBattery, svyItem } from './poll/battery.js';
export type { HeadlineOptions, HeadlineResult, Holds } from './poll/headline.js';
export { evaluateHeadlines } from './poll/headline.js';
export type {
  MultipleResponseOptions,
  MultipleResponseResult,
  OptionComparison,
  OptionShare,
} from './poll/multiple-response.js';
export { compareOptions, svyMultipleResponse } from './poll/multiple-response.js';
export type {
  Answer,
  AnswerGroup,
  Battery,
  CategoricalItem,
  Headline,
  MultipleResponseQuestion,
  Questionnaire,
  Text,
} from './poll/questionnaire.js';
export {
  answerScale,
  parseQuestionnaire,
  readQuestionnaire,
  textOf,
} from './poll/questionnaire.js';
export type { RankedItem, Ranking, RankOptions } from './poll/rank.js';
export { rankItems } from './poll/rank.js';
export type { Reliability, ReliabilityOptions, ReliabilityReason } from './poll/reliability.js';
export { NCHS_PROPORTIONS, reliability } from './poll/reliability.js';
export type { SubgroupOptions, SubgroupResult, SubgroupRow } from './poll/subgroups.js';
export { svySubgroups } from './poll/subgroups.js';
export type { MarginsFile } from './poll/weighting.js';
export { marginsFromJson, readMargins, weightToPopulation } from './poll/weighting.js';
export type { FlaggedShare } from './report/reliability.js';
export { pollReport } from './report/report.js';
export type { PollReportSummary, SummaryEstimate } from './report/summary.js';
export type {
  ChartFileFormat,
  PollReport,
  PollReportChart,
  PollReportInput,
  ReportLogKind,
} from './report/types.js';
export type { WritePollReportOptions } from './report/write.js';
export { writePollReport } from './report/write.js';
export { pchisqUpper, pfUpper, pnorm, pt, qbeta, qnorm, qt } from './stats/distributions.js';
export { pAdjust } from './tabs/adjust.js';
export type { TabsCsvOptions } from './tabs/csv.js';
export { tabsToCsv } from './tabs/csv.js';
export type { TabsNoteOptions, TabsTable } from './tabs/notes.js';
export { tabsNotes, tabsTables } from './tabs/notes.js';
export type { QuestionnaireTabsOptions } from './tabs/questionnaire.js';
export { tabsSpecFromQuestionnaire } from './tabs/questionnaire.js';
export { svyTabs } from './tabs/tabs.js';
export type {
  TabCell,
  TabColumn,
  TabComparison,
  TabMultipleResponse,
  TabNet,
  TabRow,
  TabRowSpec,
  Tabs,
  TabsAdjust,
  TabsSpec,
  TabsTest,
  TabTotalTest,
} from './tabs/types.js';
export type { TabsXlsxOptions } from './tabs/xlsx.js';
export { tabsToXlsx } from './tabs/xlsx.js';
export type { CalibrateOptions } from './weighting/calibrate.js';
export { calibrate } from './weighting/calibrate.js';
export type { PostStratifyOptions } from './weighting/poststratify.js';
export { postStratify } from './weighting/poststratify.js';
export type { RakeOptions } from './weighting/rake.js';
export { rake } from './weighting/rake.js';
export { weightingReport } from './weighting/report.js';
export type { WeightSummary } from './weighting/summary.js';
export { weightSummary } from './weighting/summary.js';
export type { TrimOptions } from './weighting/trim.js';
export { trimWeights } from './weighting/trim.js';
export type { ReportLevel, ReportMargin, WeightingReport } from './weighting/types.js';
