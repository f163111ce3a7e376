/**
 * Interpolation as R's `stats` package does it: the Forsythe–Malcolm–Moler cubic spline
 * (`spline(method = "fmm")`, R's `fmm_spline` + `spline_eval`), linear and step interpolation
 * (`approx`), and R's `seq.int(from, to, length.out = n)`. Used to invert profile likelihoods
 * (see `svyCiProp`) and by the interpolating quantile rules (see `svyQuantile`).
 * @module
 */
import { EstimationError } from '../errors.js';

/**
 * Coefficients of a cubic spline: on `[x[i], x[i+1])` the value is
 * `y[i] + b[i] d + c[i] d² + d[i] d³` with `d = u − x[i]`.
 */
export interface SplineCoefficients {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
}

/** Interpolation nodes after R's `regularize.values(ties = mean)`. */
interface Nodes {
  x: Float64Array;
  y: Float64Array;
}

/** Input the interpolation cannot use: an estimate that needs it cannot be computed. */
function badInput(message: string, value?: unknown): EstimationError {
  return new EstimationError('BAD_INTERPOLATION_INPUT', message, { value });
}

/**
 * R's `regularize.values(x, y, ties = mean)`: drops pairs with a missing (NaN) x or y, sorts by x
 * (stably, only when x is unsorted, as R does), and replaces tied x values by one node whose y is
 * the mean of theirs.
 */
function regularize(x: ArrayLike<number>, y: ArrayLike<number>): Nodes {
  if (x.length !== y.length) {
    throw badInput(`x and y lengths differ (${x.length} and ${y.length})`, [x.length, y.length]);
  }
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) keep.push(i);
  }
  let sorted = true;
  for (let k = 1; k < keep.length; k++) {
    if (x[keep[k]!]! < x[keep[k - 1]!]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keep.sort((a, b) => x[a]! - x[b]! || a - b);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < keep.length; ) {
    const xv = x[keep[k]!]!;
    let end = k + 1;
    while (end < keep.length && x[keep[end]!]! === xv) end++;
    xs.push(xv);
    if (end === k + 1) ys.push(y[keep[k]!]!);
    else {
      let sum = 0;
      for (let j = k; j < end; j++) sum += y[keep[j]!]!;
      const m = sum / (end - k);
      let corr = 0;
      for (let j = k; j < end; j++) corr += y[keep[j]!]! - m;
      ys.push(m + corr / (end - k));
    }
    k = end;
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/**
 * Forsythe, Malcolm & Moler's cubic spline through `(x[i], y[i])`: the end conditions match the
 * third derivatives of the cubics through the first four and last four points (R's `fmm_spline`).
 * `x` must be strictly increasing. Two points give a straight line; one point a constant.
 *
 * @example
 * ```ts
 * const s = fmmSplineCoefficients([0, 1, 2, 3], [0, 1, 8, 27]);
 * console.log(Array.from(splineEval(s, [1.5]))); // => [ 3.375 ]
 * ```
 */
export function fmmSplineCoefficients(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): SplineCoefficients {
  const n = x.length;
  if (n !== y.length) throw badInput(`x and y lengths differ (${n} and ${y.length})`);
  if (n === 0) throw badInput('a spline needs at least one point');
  for (let i = 1; i < n; i++) {
    if (!(x[i]! > x[i - 1]!)) throw badInput('spline nodes must be strictly increasing', x[i]);
  }
  // 1-based arrays as in R's splines.c (index 0 unused).
  const X = new Float64Array(n + 1);
  const Y = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    X[i + 1] = x[i]!;
    Y[i + 1] = y[i]!;
  }
  const b = new Float64Array(n + 1);
  const c = new Float64Array(n + 1);
  const d = new Float64Array(n + 1);
  const out = (): SplineCoefficients => ({
    x: X.slice(1),
    y: Y.slice(1),
    b: b.slice(1),
    c: c.slice(1),
    d: d.slice(1),
  });
  if (n < 2) return out(); // R leaves the coefficients at 0: a constant
  if (n < 3) {
    const t = Y[2]! - Y[1]!;
    b[1] = t / (X[2]! - X[1]!);
    b[2] = b[1]!;
    return out();
  }
  const nm1 = n - 1;
  // Tridiagonal system: b = diagonal, d = off-diagonal, c = right-hand side.
  d[1] = X[2]! - X[1]!;
  c[2] = (Y[2]! - Y[1]!) / d[1]!;
  for (let i = 2; i < n; i++) {
    d[i] = X[i + 1]! - X[i]!;
    b[i] = 2.0 * (d[i - 1]! + d[i]!);
    c[i + 1] = (Y[i + 1]! - Y[i]!) / d[i]!;
    c[i] = c[i + 1]! - c[i]!;
  }
  // End conditions: third derivatives at x[1] and x[n] from divided differences.
  b[1] = -d[1]!;
  b[n] = -d[nm1]!;
  c[1] = 0.0;
  c[n] = 0.0;
  if (n > 3) {
    c[1] = c[3]! / (X[4]! - X[2]!) - c[2]! / (X[3]! - X[1]!);
    c[n] = c[nm1]! / (X[n]! - X[n - 2]!) - c[n - 2]! / (X[nm1]! - X[n - 3]!);
    c[1] = (c[1]! * d[1]! * d[1]!) / (X[4]! - X[1]!);
    c[n] = (-c[n]! * d[nm1]! * d[nm1]!) / (X[n]! - X[n - 3]!);
  }
  // Gaussian elimination.
  for (let i = 2; i <= n; i++) {
    const t = d[i - 1]! / b[i - 1]!;
    b[i] = b[i]! - t * d[i - 1]!;
    c[i] = c[i]! - t * c[i - 1]!;
  }
  // Backward substitution.
  c[n] = c[n]! / b[n]!;
  for (let i = nm1; i >= 1; i--) c[i] = (c[i]! - d[i]! * c[i + 1]!) / b[i]!;
  // Polynomial coefficients.
  b[n] = (Y[n]! - Y[n - 1]!) / d[n - 1]! + d[n - 1]! * (c[n - 1]! + 2.0 * c[n]!);
  for (let i = 1; i <= nm1; i++) {
    b[i] = (Y[i + 1]! - Y[i]!) / d[i]! - d[i]! * (c[i + 1]! + 2.0 * c[i]!);
    d[i] = (c[i + 1]! - c[i]!) / d[i]!;
    c[i] = 3.0 * c[i]!;
  }
  c[n] = 3.0 * c[n]!;
  d[n] = d[nm1]!;
  return out();
}

/**
 * Evaluates a spline at `u` (R's `spline_eval` for a non-periodic spline): the cubic of the
 * interval holding each point, the first or last cubic extended outside the nodes.
 *
 * @example
 * ```ts
 * const s = fmmSplineCoefficients([0, 1, 2], [0, 2, 4]);
 * console.log(Array.from(splineEval(s, [0.5, 3]))); // => [ 1, 6 ]
 * ```
 */
export function splineEval(coef: SplineCoefficients, u: ArrayLike<number>): Float64Array {
  const { x, y, b, c, d } = coef;
  const n = x.length;
  const n1 = n - 1;
  const v = new Float64Array(u.length);
  let i = 0;
  for (let l = 0; l < u.length; l++) {
    const ul = u[l]!;
    if (ul < x[i]! || (i < n1 && x[i + 1]! < ul)) {
      // binary search for the interval of ul
      i = 0;
      let j = n;
      do {
        const k = Math.floor((i + j) / 2);
        if (ul < x[k]!) j = k;
        else i = k;
      } while (j > i + 1);
    }
    const dx = ul - x[i]!;
    v[l] = y[i]! + dx * (b[i]! + dx * (c[i]! + dx * d[i]!));
  }
  return v;
}

/**
 * R's `seq.int(from, to, length.out = n)` for doubles: `from`, `from + i · (to − from)/(n − 1)`
 * in between, and `to` exactly at the end.
 *
 * @example
 * ```ts
 * console.log(Array.from(seqLength(0, 1, 5))); // => [ 0, 0.25, 0.5, 0.75, 1 ]
 * ```
 */
export function seqLength(from: number, to: number, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw badInput(`length.out must be a count; got ${n}`, n);
  const out = new Float64Array(n);
  if (n > 0) out[0] = from;
  if (n > 1) out[n - 1] = to;
  if (n > 2) {
    const by = (to - from) / (n - 1);
    for (let i = 1; i < n - 1; i++) out[i] = from + i * by;
  }
  return out;
}

/** Options of {@link spline}. */
export interface SplineOptions {
  /** Number of equally spaced points (default 3 × the number of distinct x values, as R). */
  n?: number;
  /** Range of the points (default the range of x). */
  xmin?: number;
  xmax?: number;
  /** Evaluate at these points instead. */
  xout?: ArrayLike<number>;
}

/**
 * R's `spline(x, y, method = "fmm")`: regularizes the nodes (missing pairs dropped, sorted by x,
 * tied x values averaged), fits the FMM cubic spline and evaluates it at `n` equally spaced points
 * over `[xmin, xmax]` (or at `xout`).
 *
 * @example
 * ```ts
 * const s = spline([1, 2, 3, 4], [1, 4, 9, 16], { n: 3 });
 * console.log(Array.from(s.x), Array.from(s.y)); // => [ 1, 2.5, 4 ] [ 1, 6.25, 16 ]
 * ```
 */
export function spline(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: SplineOptions = {},
): { x: Float64Array; y: Float64Array } {
  const nodes = regularize(x, y);
  const nx = nodes.x.length;
  if (nx === 0) throw badInput('zero non-NA points');
  let xout: Float64Array;
  if (opts.xout !== undefined) xout = Float64Array.from(opts.xout);
  else {
    const n = opts.n ?? 3 * nx;
    if (!(n >= 1)) throw badInput(`'spline' requires n >= 1; got ${n}`, n);
    xout = seqLength(opts.xmin ?? nodes.x[0]!, opts.xmax ?? nodes.x[nx - 1]!, n);
  }
  const coef = fmmSplineCoefficients(nodes.x, nodes.y);
  return { x: xout, y: splineEval(coef, xout) };
}

/** Options of {@link approx}. */
export interface ApproxOptions {
  /** `'linear'` (default) or `'constant'` (a step function). */
  method?: 'linear' | 'constant';
  /**
   * Outside the range of x: `1` gives NaN (R's NA), `2` the value at the closest end; one rule, or
   * one for each side. Default 1.
   */
  rule?: 1 | 2 | readonly [1 | 2, 1 | 2];
  /** For `'constant'`: the step is `(1 − f) y[i] + f y[i+1]` (default 0: left-continuous value). */
  f?: number;
  /** Values left and right of the range (override `rule`). */
  yleft?: number;
  yright?: number;
}

/**
 * R's `approx(x, y, xout)`: linear (or step) interpolation of the points `(x, y)` at `xout`,
 * after dropping missing pairs, sorting by x and averaging the y of tied x values (R's
 * `ties = mean`).
 *
 * @example
 * ```ts
 * console.log(Array.from(approx([1, 2, 3], [10, 20, 40], [1.5, 2.5, 4]))); // => [ 15, 30, NaN ]
 * console.log(Array.from(approx([1, 2, 3], [10, 20, 40], [4], { rule: 2 }))); // => [ 40 ]
 * ```
 */
export function approx(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  xout: ArrayLike<number>,
  opts: ApproxOptions = {},
): Float64Array {
  return approxFunction(x, y, opts)(xout);
}

/**
 * The interpolating function of {@link approx}, with the nodes regularized once: for evaluating
 * at many points in several calls.
 *
 * @example
 * ```ts
 * const f = approxFunction([0, 1], [0, 10]);
 * console.log(Array.from(f([0.25, 0.5]))); // => [ 2.5, 5 ]
 * ```
 */
export function approxFunction(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: ApproxOptions = {},
): (xout: ArrayLike<number>) => Float64Array {
  const method = opts.method ?? 'linear';
  if (method !== 'linear' && method !== 'constant') {
    throw badInput(`invalid interpolation method "${String(method)}"`, method);
  }
  const rule = opts.rule ?? 1;
  const [ruleLeft, ruleRight] = Array.isArray(rule) ? rule : [rule, rule];
  const f = opts.f ?? 0;
  if (method === 'constant' && !(f >= 0 && f <= 1)) {
    throw badInput(`approx(): f must be in [0, 1]; got ${f}`, f);
  }
  const nodes = regularize(x, y);
  const nx = nodes.x.length;
  if (nx === 0) throw badInput('zero non-NA points');
  if (nx === 1 && method === 'linear') {
    throw badInput('need at least two non-NA values to interpolate');
  }
  const X = nodes.x;
  const Y = nodes.y;
  const yleft = opts.yleft ?? (ruleLeft === 1 ? Number.NaN : Y[0]!);
  const yright = opts.yright ?? (ruleRight === 1 ? Number.NaN : Y[nx - 1]!);
  const f1 = 1 - f;
  const f2 = f;
  const at = (v: number): number => {
    if (Number.isNaN(v)) return v;
    let i = 0;
    let j = nx - 1;
    if (v < X[i]!) return yleft;
    if (v > X[j]!) return yright;
    while (i < j - 1) {
      const ij = Math.floor((i + j) / 2);
      if (v < X[ij]!) j = ij;
      else i = ij;
    }
    if (v === X[j]) return Y[j]!;
    if (v === X[i]) return Y[i]!;
    if (method === 'linear') return Y[i]! + (Y[j]! - Y[i]!) * ((v - X[i]!) / (X[j]! - X[i]!));
    return (f1 !== 0 ? Y[i]! * f1 : 0) + (f2 !== 0 ? Y[j]! * f2 : 0);
  };
  return (xout) => {
    const out = new Float64Array(xout.length);
    for (let k = 0; k < xout.length; k++) out[k] = at(xout[k]!);
    return out;
  };
}
