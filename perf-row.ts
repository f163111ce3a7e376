const n = 1_000_000;
const cols: Array<{ name: string; values?: Float64Array; codes?: Int32Array; levels?: string[] }> = [];
for (let j = 0; j < 18; j++) cols.push({ name: `x${j}`, values: Float64Array.from({ length: n }, (_, i) => (i * (j + 3)) % 97) });
cols.push({ name: 'q', codes: Int32Array.from({ length: n }, (_, i) => i % 3), levels: ['Agree', 'Neutral', 'Disagree'] });
cols.push({ name: 'age', values: Float64Array.from({ length: n }, (_, i) => 18 + (i % 70)) });

function viewA() {
  const state = { index: 0, value: {} as Record<string, unknown> };
  for (const col of cols) {
    Object.defineProperty(state.value, col.name, { enumerable: true, get: col.values ? () => { const v = col.values![state.index]!; return Number.isNaN(v) ? null : v; } : () => { const c = col.codes![state.index]!; return c < 0 ? null : col.levels![c]!; } });
  }
  return state;
}
function viewB() {
  const proto = {} as Record<string, unknown>;
  for (const col of cols) {
    const values = col.values, codes = col.codes, levels = col.levels;
    Object.defineProperty(proto, col.name, { enumerable: true, get: values ? function (this: { i: number }) { const v = values[this.i]!; return v === v ? v : null; } : function (this: { i: number }) { const c = codes![this.i]!; return c < 0 ? null : levels![c]!; } });
  }
  const row = Object.create(proto) as { i: number } & Record<string, unknown>;
  row.i = 0;
  return row;
}
const fns = {
  top: (r: any) => (r.q === null ? null : r.q === 'Agree' ? 1 : 0),
  idx: (r: any) => r.x1 + r.x2 + r.age,
};
for (let rep = 0; rep < 4; rep++) {
  for (const [k, fn] of Object.entries(fns)) {
    const out = new Float64Array(n);
    let t = performance.now();
    const a = viewA();
    for (let i = 0; i < n; i++) { a.index = i; out[i] = fn(a.value) as number; }
    const ta = performance.now() - t;
    t = performance.now();
    const b = viewB();
    for (let i = 0; i < n; i++) { b.i = i; out[i] = fn(b) as number; }
    const tb = performance.now() - t;
    console.log(k, 'A', ta.toFixed(1), 'B', tb.toFixed(1));
  }
}
