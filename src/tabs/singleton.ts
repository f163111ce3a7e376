/**
 * The covariances of a block's cells on a design with one respondent per PSU (no clusters, as
 * most online panels), in closed form from per-stratum sums.
 *
 * With a PSU per respondent, a PSU's influence total of a column's cell is the respondent's own
 * value w (y − est)/Σw (0 outside the column), so within a stratum s
 *
 *   Σ_c T_ca T_cb = Σ_{i∈s∩a∩b} w_i² (y_i − est_a)(y_i − est_b) / (W_a W_b),
 *
 * which is 0 for two columns of one banner variable (no respondent is in both) and otherwise a
 * combination of Σ w² y', Σ w² y'² and Σ w² over the stratum's respondents in the column
 * (y' = y − shift, see `scan.ts`), and Σ_c T_ca = (Σ w y' − est' Σ w)/W_a. The stratum's
 * centred cross product is Σ_c T_ca T_cb − (Σ_c T_ca)(Σ_c T_cb)/n_s, n_s its PSUs. So every
 * covariance of a row comes from the block's one pass, without per-PSU totals.
 * @module
 */
import type { LinearizationDesign } from '../design/types.js';
import type { BlockScan, StratumSums } from './scan.js';
import type { Banner } from './spec.js';
import { stratumScale } from './variance.js';

/**
 * Per output (level or value index in `these`), the covariance of the Total and each banner
 * variable's columns (one matrix per variable; the Total only without banner variables).
 */
export function singletonCovariances(
  design: LinearizationDesign,
  banner: Banner,
  sums: StratumSums,
  scan: BlockScan,
  kind: 'codes' | 'values',
  these: readonly number[],
  ests: readonly Float64Array[],
): Float64Array[][] {
  const stage = design.stages[0]!;
  const C = banner.columns;
  const L = scan.width;
  const vars = banner.variables;
  const groups =
    vars.length === 0 ? [[0]] : vars.map((v) => [0, ...v.levels.map((_, k) => v.offset + k)]);
  const scales = Array.from({ length: stage.nStrata }, (_, s) =>
    sums.w[s * C]! > 0 ? stratumScale(design, s) : null,
  );
  return these.map((j, o) => {
    const est = ests[o]!;
    const shift = kind === 'codes' ? 0 : scan.shift[j]!;
    return groups.map((cols) => {
      const p = cols.length;
      const V = new Float64Array(p * p);
      const T = new Float64Array(p);
      const m = cols.map((a) => est[a]! - shift);
      const W = cols.map((a) => scan.sumW[a]!);
      for (let s = 0; s < stage.nStrata; s++) {
        const sc = scales[s];
        if (!sc) continue;
        const n = stage.stratumSampled[s]!;
        for (let x = 0; x < p; x++) {
          const a = s * C + cols[x]!;
          T[x] = W[x]! > 0 ? (sums.wy[a * L + j]! - m[x]! * sums.w[a]!) / W[x]! : 0;
        }
        for (let x = 0; x < p; x++) {
          if (!(W[x]! > 0)) continue;
          for (let y = x; y < p; y++) {
            if (!(W[y]! > 0)) continue;
            // respondents in both columns: a column and itself, or the Total and a column
            let cross = 0;
            if (x === y || x === 0) {
              const b = s * C + cols[y]!;
              cross =
                (sums.w2y2[b * L + j]! -
                  (m[x]! + m[y]!) * sums.w2y[b * L + j]! +
                  m[x]! * m[y]! * sums.w2[b]!) /
                (W[x]! * W[y]!);
            }
            const v = sc.scale * (cross - (sc.centred ? (T[x]! * T[y]!) / n : 0));
            V[x * p + y]! += v;
            if (y !== x) V[y * p + x]! += v;
          }
        }
      }
      return V;
    });
  });
}
