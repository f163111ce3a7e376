/** The subset conditions of the reference JSON ({ var, op, value }, all of them must hold). */

import { column } from '../../src/data/frame.js';
import type { SurveyData } from '../../src/data/types.js';

export interface Condition {
  var: string;
  op: '==' | '!=' | '<' | '<=' | '>' | '>=' | 'notNA';
  value: number | string | null;
}

/** A mask with 1 where every condition holds (a missing value fails the condition, as in R). */
export function conditionMask(data: SurveyData, conditions: Condition[] | null): Uint8Array {
  const mask = new Uint8Array(data.nrow).fill(1);
  for (const cond of conditions ?? []) {
    const values = column(data, cond.var);
    for (let i = 0; i < data.nrow; i++) {
      const v = values[i];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
        mask[i] = 0;
        continue;
      }
      if (cond.op === 'notNA') continue;
      const x = v;
      const y = typeof v === 'number' ? Number(cond.value) : String(cond.value);
      let ok: boolean;
      switch (cond.op) {
        case '==':
          ok = x === y;
          break;
        case '!=':
          ok = x !== y;
          break;
        case '<':
          ok = x < y;
          break;
        case '<=':
          ok = x <= y;
          break;
        case '>':
          ok = x > y;
          break;
        case '>=':
          ok = x >= y;
          break;
        default:
          throw new Error(`unknown condition operator ${cond.op}`);
      }
      if (!ok) mask[i] = 0;
    }
  }
  return mask;
}
