/** Copies of a reference data set with its weights multiplied (for the extreme-weights tests). */
import type { Column, SurveyData } from '../../src/data/types.js';
import { loadReferenceData } from './reference.js';

/** apistrat (R's `data(api)`) with a column `pwx`: its weights `pw` mapped by `f`. */
export function scaledApistrat(f: (w: number) => number): SurveyData {
  const data = loadReferenceData('apistrat.csv');
  const pw = data.columns.pw!;
  if (pw.kind !== 'numeric') throw new Error('pw is not numeric');
  const pwx: Column = { ...pw, values: pw.values.map(f) };
  return { ...data, names: [...data.names, 'pwx'], columns: { ...data.columns, pwx } };
}
