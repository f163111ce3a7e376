/**
 * surveykit: design-based analysis of opinion-poll microdata.
 * @packageDocumentation
 */
export type { Codebook, CodebookVariable, ValueLabel } from './data/codebook.js';
export { codebookJsonSchema, codebookSchema, parseCodebook } from './data/codebook.js';
export type { CodebookViolation, CsvOptions } from './data/csv.js';
export { parseCsv, readCsv } from './data/csv.js';
export type { ColumnInput } from './data/frame.js';
export { column, fromColumns } from './data/frame.js';
export type {
  CategoricalColumn,
  Column,
  LoadReport,
  MissingCount,
  NumericColumn,
  SurveyData,
} from './data/types.js';
export { svyDesign } from './design/build.js';
export type { Row } from './design/subset.js';
export { subset, weights } from './design/subset.js';
export type {
  DesignSpec,
  LinearizationDesign,
  LonelyPsu,
  Stage,
  SurveyDesign,
} from './design/types.js';
export type { ErrorDetails } from './errors.js';
export {
  CodebookError,
  DataFormatError,
  DesignError,
  EstimationError,
  SurveyError,
  WeightingError,
} from './errors.js';
export type { ByOptions, EstimateTable } from './estimate/by.js';
export { svyBy } from './estimate/by.js';
export type { CiPropMethod, CiPropOptions } from './estimate/ciprop.js';
export { svyCiProp } from './estimate/ciprop.js';
export type { ContrastOptions } from './estimate/contrast.js';
export { contrastLabels, svyContrast } from './estimate/contrast.js';
export { svyMean, svyTotal } from './estimate/mean.js';
export type { QuantileInterval, QuantileOptions, QuantileRule } from './estimate/quantile.js';
export { svyQuantile } from './estimate/quantile.js';
export type { ChisqOptions, ChisqTest, SurveyTable, TableOptions } from './estimate/table.js';
export { svyChisq, svyTable } from './estimate/table.js';
export type { Estimate, EstimateOptions } from './estimate/types.js';
export { pchisqUpper, pfUpper, pnorm, pt, qbeta, qnorm, qt } from './stats/distributions.js';
export type { WeightSummary } from './weighting/summary.js';
export { weightSummary } from './weighting/summary.js';
