/**
 * R model formulas (`y ~ a + b`, `a * b`, `a:b`, `- 1`, ...) parsed into their terms the way R's
 * `terms.formula` does: terms are sets of variables, `a * b` is `a + b + a:b`, `(a + b)^2` is
 * `a + b + a:b`, `a / b` is `a + a:b`, `a %in% b` is `a:b`, `-` removes terms (`- 1` or `+ 0`
 * the intercept); terms are ordered main effects first, then two-way interactions and so on,
 * each order in the order the terms first appear; a term's variables are named in the order the
 * variables first appear in the formula (so `y ~ b:a + a` has terms `a` and `b:a`).
 * @module
 */
import { EstimationError } from '../errors.js';

/** A parsed model formula. */
export interface Formula {
  /** The formula as written. */
  readonly text: string;
  /** The response (left of `~`); `null` for a one-sided formula `~ a + b`. */
  readonly response: string | null;
  /** The variables right of `~`, in order of first appearance. */
  readonly variables: readonly string[];
  /** The terms, each its variables in order of first appearance, in R's order. */
  readonly terms: readonly (readonly string[])[];
  /** The term labels, R's `term.labels` (`'a'`, `'a:b'`). */
  readonly labels: readonly string[];
  /** Whether the model has an intercept. */
  readonly intercept: boolean;
  /** 1-based position in `text` of each variable's first appearance. */
  readonly positions: ReadonlyMap<string, number>;
}

type Token =
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number; text: string }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; pos: number };

type Node =
  | { kind: 'var'; name: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { kind: 'minus'; operand: Node; pos: number };

/**
 * Parses an R model formula.
 * @throws {EstimationError} `FORMULA_SYNTAX` with the 1-based `position` of the problem.
 */
export function parseFormula(text: string): Formula {
  if (typeof text !== 'string') {
    throw syntaxError(String(text), 1, `a formula must be a string such as 'y ~ a + b'`);
  }
  const tokens = tokenize(text);
  const parser = new Parser(text, tokens);
  const { lhs, rhs } = parser.formula();
  const variables: string[] = [];
  const positions = new Map<string, number>();
  let response: string | null = null;
  if (lhs !== null) {
    if (lhs.kind !== 'var') {
      throw syntaxError(
        text,
        lhs.pos,
        'the left of ~ must be one variable (create a column for anything else)',
      );
    }
    response = lhs.name;
    positions.set(lhs.name, lhs.pos);
  }
  const rhsPositions = new Map<string, number>();
  collectVariables(rhs, variables, rhsPositions);
  if (response !== null && variables.includes(response)) {
    throw syntaxError(text, rhsPositions.get(response)!, `the outcome ${response} is also a term`);
  }
  for (const [v, pos] of rhsPositions) positions.set(v, pos);
  const order = new Map(variables.map((v, k) => [v, k]));
  const encoded = encode(rhs, text, order);
  // Terms sorted by order (number of variables), stably.
  const terms = [...encoded.terms]
    .map((t, k) => ({ t, k }))
    .sort((a, b) => a.t.length - b.t.length || a.k - b.k)
    .map(({ t }) => t.map((i) => variables[i]!));
  const intercept = encoded.intercept ?? true;
  if (terms.length === 0 && !intercept) {
    throw syntaxError(text, text.length, 'the model has no terms and no intercept');
  }
  return {
    text,
    response,
    variables,
    terms,
    labels: terms.map((t) => t.join(':')),
    intercept,
    positions,
  };
}

/** The same term label whatever the order of its variables (R's `canonicalOrder`). */
export function canonicalTerm(label: string): string {
  return label
    .split(':')
    .map((s) => s.trim())
    .sort()
    .join(':');
}

function collectVariables(node: Node, out: string[], positions: Map<string, number>): void {
  switch (node.kind) {
    case 'var':
      if (!out.includes(node.name)) out.push(node.name);
      if (!positions.has(node.name)) positions.set(node.name, node.pos);
      return;
    case 'number':
      return;
    case 'minus':
      collectVariables(node.operand, out, positions);
      return;
    default:
      collectVariables(node.left, out, positions);
      collectVariables(node.right, out, positions);
  }
}

/**
 * Terms as sorted arrays of variable indices, and the intercept: `null` while no `1`, `0` or
 * `- 1` has said (R's default: an intercept); the last one said wins, as in R.
 */
interface Encoded {
  terms: number[][];
  intercept: boolean | null;
}

function termKey(t: readonly number[]): string {
  return t.join(',');
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

function concat(a: readonly number[][], b: readonly number[][]): number[][] {
  const seen = new Set(a.map(termKey));
  const out = [...a];
  for (const t of b) {
    const k = termKey(t);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

function cross(a: readonly number[][], b: readonly number[][]): number[][] {
  const out: number[][] = [];
  for (const s of a) for (const t of b) out.push(union(s, t));
  return concat([], out);
}

function encode(node: Node, text: string, order: ReadonlyMap<string, number>): Encoded {
  switch (node.kind) {
    case 'var':
      return { terms: [[order.get(node.name)!]], intercept: null };
    case 'number':
      if (node.value === 1) return { terms: [], intercept: true };
      if (node.value === 0) return { terms: [], intercept: false };
      throw syntaxError(text, node.pos, `the number ${node.value} cannot be a term (only 0 or 1)`);
    case 'minus':
      return removal({ terms: [], intercept: null }, node.operand, text, order);
    default:
      break;
  }
  const { op, left, right } = node;
  if (op === '^') {
    if (right.kind !== 'number' || !Number.isInteger(right.value) || right.value < 1) {
      throw syntaxError(text, right.pos, 'the power of a term must be a whole number such as 2');
    }
    const base = encode(left, text, order);
    let terms = base.terms;
    for (let k = 1; k < right.value; k++) terms = concat(terms, cross(terms, base.terms));
    return { terms, intercept: base.intercept };
  }
  const l = encode(left, text, order);
  if (op === '-') return removal(l, right, text, order);
  const r = encode(right, text, order);
  switch (op) {
    case '+':
      return { terms: concat(l.terms, r.terms), intercept: r.intercept ?? l.intercept };
    case ':':
    case '%in%':
      return { terms: cross(l.terms, r.terms), intercept: null };
    case '*':
      return { terms: concat(concat(l.terms, r.terms), cross(l.terms, r.terms)), intercept: null };
    default: {
      // '/': a / b is a + (all of a's variables):b
      const all = l.terms.reduce<number[]>((acc, t) => union(acc, t), []);
      return { terms: concat(l.terms, cross([all], r.terms)), intercept: null };
    }
  }
}

/** `from - operand`: the operand's terms removed; `- 1` (or `- 0`) drops the intercept. */
function removal(
  from: Encoded,
  operand: Node,
  text: string,
  order: ReadonlyMap<string, number>,
): Encoded {
  if (operand.kind === 'number') {
    if (operand.value !== 0 && operand.value !== 1) {
      throw syntaxError(
        text,
        operand.pos,
        `the number ${operand.value} cannot be a term (only 0 or 1)`,
      );
    }
    return { terms: from.terms, intercept: false };
  }
  const drop = new Set(encode(operand, text, order).terms.map(termKey));
  return { terms: from.terms.filter((t) => !drop.has(termKey(t))), intercept: from.intercept };
}

const OPERATORS = new Set(['~', '+', '-', '*', ':', '/', '^', '(', ')']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw syntaxError(text, pos, 'a `quoted` name is not closed');
      const name = text.slice(i + 1, end);
      if (name.length === 0) throw syntaxError(text, pos, 'an empty `` name');
      tokens.push({ kind: 'name', value: name, pos });
      i = end + 1;
      continue;
    }
    if (ch === '%') {
      if (text.startsWith('%in%', i)) {
        tokens.push({ kind: 'op', value: '%in%', pos });
        i += 4;
        continue;
      }
      throw syntaxError(text, pos, 'the only %-operator a formula may use is %in%');
    }
    if (OPERATORS.has(ch)) {
      tokens.push({ kind: 'op', value: ch, pos });
      i++;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number && !/^\.[A-Za-z_.]/.test(text.slice(i))) {
      tokens.push({ kind: 'number', value: Number(number[0]), pos, text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = /^[\p{L}.][\p{L}\p{N}._]*/u.exec(text.slice(i));
    if (name) {
      if (name[0] === '.') {
        throw syntaxError(
          text,
          pos,
          "'.' (all other columns) is not supported: name the variables",
        );
      }
      tokens.push({ kind: 'name', value: name[0], pos });
      i += name[0].length;
      continue;
    }
    throw syntaxError(text, pos, `unexpected character '${ch}'`);
  }
  tokens.push({ kind: 'end', pos: text.length + 1 });
  return tokens;
}

/** Binding power of the binary operators (R's precedence, highest last). */
const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '%in%': 3, ':': 4 };

class Parser {
  private k = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  formula(): { lhs: Node | null; rhs: Node } {
    const tilde = this.tokens.findIndex((t) => t.kind === 'op' && t.value === '~');
    if (tilde < 0) {
      throw syntaxError(this.text, 1, "a formula needs '~' between the outcome and the terms");
    }
    let lhs: Node | null = null;
    if (tilde > 0) {
      lhs = this.expression(0);
      const t = this.peek();
      if (!(t.kind === 'op' && t.value === '~')) this.unexpected(t);
    }
    this.k++; // '~'
    if (this.peek().kind === 'end') {
      throw syntaxError(this.text, this.peek().pos, 'nothing after ~');
    }
    const rhs = this.expression(0);
    const t = this.peek();
    if (t.kind !== 'end') this.unexpected(t);
    return { lhs, rhs };
  }

  private peek(): Token {
    return this.tokens[this.k]!;
  }

  private expression(minPower: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') {
        if (t.kind === 'end') break;
        throw syntaxError(
          this.text,
          t.pos,
          `unexpected ${describe(t)}: terms are joined by +, -, *, :, / or ^`,
        );
      }
      const power = PRECEDENCE[t.value];
      if (power === undefined || power < minPower) break;
      this.k++;
      if (this.peek().kind === 'end') {
        throw syntaxError(this.text, this.peek().pos, `the formula ends after '${t.value}'`);
      }
      const right = this.expression(power + 1);
      left = { kind: 'binary', op: t.value, left, right, pos: t.pos };
    }
    return left;
  }

  /** A primary, optionally with `^ n`, or `- primary`. */
  private unary(): Node {
    const t = this.peek();
    if (t.kind === 'op' && t.value === '-') {
      this.k++;
      return { kind: 'minus', operand: this.power(), pos: t.pos };
    }
    if (t.kind === 'op' && t.value === '+') {
      this.k++;
      return this.power();
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    const t = this.peek();
    if (t.kind === 'op' && t.value === '^') {
      this.k++;
      const exponent = this.primary();
      return { kind: 'binary', op: '^', left: base, right: exponent, pos: t.pos };
    }
    return base;
  }

  private primary(): Node {
    const t = this.peek();
    if (t.kind === 'name') {
      this.k++;
      const next = this.peek();
      if (next.kind === 'op' && next.value === '(') {
        throw syntaxError(
          this.text,
          t.pos,
          `functions such as ${t.value}() are not supported in formulas: make a column of the values first`,
        );
      }
      return { kind: 'var', name: t.value, pos: t.pos };
    }
    if (t.kind === 'number') {
      this.k++;
      return { kind: 'number', value: t.value, pos: t.pos };
    }
    if (t.kind === 'op' && t.value === '(') {
      this.k++;
      const inner = this.expression(0);
      const close = this.peek();
      if (!(close.kind === 'op' && close.value === ')')) {
        throw syntaxError(this.text, close.pos, `expected ')' to close the '(' at ${t.pos}`);
      }
      this.k++;
      return inner;
    }
    return this.unexpected(t);
  }

  private unexpected(t: Token): never {
    if (t.kind === 'end') throw syntaxError(this.text, t.pos, 'the formula ends too early');
    throw syntaxError(this.text, t.pos, `unexpected ${describe(t)}`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'name':
      return `name '${t.value}'`;
    case 'number':
      return `number ${t.text}`;
    case 'op':
      return `'${t.value}'`;
    default:
      return 'end of the formula';
  }
}

function syntaxError(text: string, position: number, what: string): EstimationError {
  return new EstimationError(
    'FORMULA_SYNTAX',
    `bad formula at position ${position}: ${what}\n  ${text}\n  ${' '.repeat(Math.max(0, position - 1))}^`,
    { formula: text, position, value: text.slice(position - 1, position) },
  );
}
