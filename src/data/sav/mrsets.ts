/**
 * Multiple response sets (MRSETS; system file subtypes 7 and 19) with their member variables
 * resolved to column names. Members are written as short names in lower case; they are matched
 * to variables by short or long name regardless of case, and unknown members are left out with
 * a warning.
 * @module
 */
import type { RawMrSet } from './extensions.js';
import type { SavMultipleResponseSet } from './types.js';

/**
 * Resolves the raw sets.
 * @example
 * ```ts
 * const text = (s: string) => new TextEncoder().encode(s);
 * const raw = { offset: 0, name: text('$media'), kind: 'D', labelSource: 0, countedValue: text('1'),
 *   label: text('News sources'), variables: [text('tv'), text('radio')] };
 * const vars = new Map([['TV', { name: 'tv_news', type: 'numeric' }], ['RADIO', { name: 'radio', type: 'numeric' }]]);
 * const sets = resolveMrSets([raw as never], (n) => vars.get(n.toUpperCase()) as never,
 *   (b) => new TextDecoder().decode(b), () => {});
 * console.log(sets[0].type, sets[0].countedValue, sets[0].variables); // => dichotomies 1 [ 'tv_news', 'radio' ]
 * ```
 */
export function resolveMrSets(
  raw: readonly RawMrSet[],
  byName: (name: string) => { name: string; type: 'numeric' | 'string' } | undefined,
  dec: (b: Uint8Array) => string,
  warn: (message: string) => void,
): SavMultipleResponseSet[] {
  return raw.map((m) => {
    const members: string[] = [];
    let numeric = false;
    for (const b of m.variables) {
      const n = dec(b);
      const v = byName(n);
      if (!v) {
        warn(`multiple response set ${dec(m.name)} names unknown variable "${n}"; left out`);
        continue;
      }
      if (members.length === 0) numeric = v.type === 'numeric';
      members.push(v.name);
    }
    const counted = m.countedValue === null ? undefined : dec(m.countedValue);
    return {
      name: dec(m.name),
      label: dec(m.label),
      type: m.kind === 'C' ? 'categories' : 'dichotomies',
      ...(counted === undefined
        ? {}
        : {
            countedValue:
              numeric && counted.trim() !== '' && Number.isFinite(Number(counted))
                ? Number(counted)
                : counted,
            categoryLabels: m.kind === 'E' ? ('countedvalues' as const) : ('varlabels' as const),
          }),
      ...(m.kind === 'E' ? { labelFromVariable: m.labelSource === 11 } : {}),
      variables: members,
    };
  });
}
