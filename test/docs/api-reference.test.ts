/**
 * The API reference as TypeDoc builds it from typedoc.json (with its topic plugin,
 * scripts/typedoc-topics.mjs): every export under exactly one topic, the topics in the order
 * below, a guide page per topic (docs/guide/) that links to every function of its topic, every
 * parameter of every public function described, and TypeDoc's own checks quiet.
 * `npm run docs` fails on the TypeDoc warnings too, but is not part of `npm test`.
 * (test/docs/guide.test.ts runs the guides' examples.)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Application,
  type CommentDisplayPart,
  type DeclarationReflection,
  type DocumentReflection,
  Logger,
  LogLevel,
  type ProjectReflection,
  type Reflection,
  ReflectionKind,
  type SignatureReflection,
  TSConfigReader,
  TypeDocReader,
} from 'typedoc';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES, TOPICS, topicOfFile } from '../../scripts/typedoc-topics.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The topics the reference is grouped by, in this order (issue 18). */
const EXPECTED_TOPICS = [
  'Loading',
  'Designs',
  'Weighting',
  'Estimates',
  'Models',
  'Tables',
  'Poll',
  'Charts',
  'Command line',
  'Errors',
];

/** Keeps TypeDoc's warnings and errors instead of printing them. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level]}: ${message}`);
  }
}

/** The names src/index.ts exports (values and types). */
function indexExports(): string[] {
  const text = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
  return [...text.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** Whether a reflection is part of a parameter's type. */
function insideParameter(reflection: Reflection): boolean {
  for (let r = reflection.parent; r; r = r.parent)
    if (r.kindOf(ReflectionKind.Parameter)) return true;
  return false;
}

let project: ProjectReflection;
let logger: CollectingLogger;

beforeAll(async () => {
  const app = await Application.bootstrapWithPlugins(
    // The type check is tsc's job in `npm test`; TypeDoc need not repeat it.
    { skipErrorChecking: true },
    [new TypeDocReader(), new TSConfigReader()],
  );
  logger = new CollectingLogger();
  app.logger = logger;
  const converted = await app.convert();
  if (!converted)
    throw new Error(`TypeDoc could not convert the project:\n${logger.messages.join('\n')}`);
  project = converted;
  app.validate(project);
}, 300_000);

describe('API reference', () => {
  it('TypeDoc reports no warning or error (undocumented members and parameters, bad links)', () => {
    expect(logger.messages).toEqual([]);
  });

  it('documents every export of src/index.ts', () => {
    const documented = new Set((project.children ?? []).map((c) => c.name));
    expect(indexExports().filter((name) => !documented.has(name))).toEqual([]);
  });

  it('files every export under exactly one topic, the topics in order', () => {
    const categories = project.categories ?? [];
    const titles = categories.map((c) => c.title);
    expect(
      titles.every((t) => EXPECTED_TOPICS.includes(t)),
      titles.join(', '),
    ).toBe(true);
    expect(titles).toEqual(EXPECTED_TOPICS.filter((t) => titles.includes(t)));
    const topicsOf = new Map<string, string[]>();
    for (const category of categories) {
      for (const child of category.children) {
        if (child.kindOf(ReflectionKind.Document)) continue;
        topicsOf.set(child.name, [...(topicsOf.get(child.name) ?? []), category.title]);
      }
    }
    const wrong = (project.children ?? [])
      .map((c) => [c.name, topicsOf.get(c.name) ?? []] as const)
      .filter(([, topics]) => topics.length !== 1);
    expect(wrong).toEqual([]);
  });

  it('has one guide page per topic, shown first in its topic', () => {
    const guides = (project.categories ?? []).map((c) => [
      c.title,
      c.children.filter((r) => r.kindOf(ReflectionKind.Document)).map((r) => r.name),
      c.children[0]?.kindOf(ReflectionKind.Document) ?? false,
    ]);
    expect(guides).toEqual(
      EXPECTED_TOPICS.map((t) => [t, [expect.stringMatching(/^Guide: /)], true]),
    );
  });

  it("links each topic's guide to every function and constant of the topic", () => {
    const unlinked: string[] = [];
    for (const category of project.categories ?? []) {
      const guide = category.children.find((r) => r.kindOf(ReflectionKind.Document)) as
        | DocumentReflection
        | undefined;
      const linked = new Set(
        (guide?.content ?? []).flatMap((part: CommentDisplayPart) =>
          part.kind === 'inline-tag' && typeof part.target === 'object' && 'name' in part.target
            ? [part.target.name]
            : [],
        ),
      );
      for (const member of category.children) {
        if (!member.kindOf(ReflectionKind.Function | ReflectionKind.Variable)) continue;
        if (!linked.has(member.name)) unlinked.push(`${category.title}: ${member.name}`);
      }
    }
    expect(unlinked).toEqual([]);
  });

  it('gives every topic with functions a guide with a checked example', () => {
    const missing = (project.categories ?? [])
      .filter((c) => c.children.some((r) => r.kindOf(ReflectionKind.Function)))
      .filter((c) => {
        const guide = c.children.find((r) => r.kindOf(ReflectionKind.Document)) as
          | DocumentReflection
          | undefined;
        const text = (guide?.content ?? []).map((p) => p.text).join('');
        return !/```ts\n[^`]*\/\/ => /.test(text);
      })
      .map((c) => c.title);
    expect(missing).toEqual([]);
  });

  it('describes every parameter of every function, method and constructor', () => {
    const bare: string[] = [];
    let described = 0;
    const signatures = project.getReflectionsByKind(
      ReflectionKind.CallSignature | ReflectionKind.ConstructorSignature,
    ) as SignatureReflection[];
    for (const signature of signatures) {
      // A callback's own parameters (`estimator: (domain) => ...`) are described with the
      // parameter whose type it is, as TypeDoc's notDocumented check also assumes.
      if (insideParameter(signature)) continue;
      for (const parameter of signature.parameters ?? []) {
        const text =
          parameter.comment?.summary
            .map((p) => p.text)
            .join('')
            .trim() ?? '';
        if (text === '') bare.push(`${signature.getFriendlyFullName()}(${parameter.name})`);
        else described++;
      }
    }
    expect(bare).toEqual([]);
    expect(described).toBeGreaterThan(150);
  });

  it('documents the members of option objects', () => {
    const bare = (project.getReflectionsByKind(ReflectionKind.Property) as DeclarationReflection[])
      .filter((p) => p.name.endsWith('Options') || p.parent?.name.endsWith('Options'))
      .filter((p) => !p.hasComment())
      .map((p) => p.getFriendlyFullName());
    expect(bare).toEqual([]);
  });
});

describe('topic rules (scripts/typedoc-topics.mjs)', () => {
  it('lists the topics in the issue order', () => {
    expect([...TOPICS]).toEqual(EXPECTED_TOPICS);
  });

  it('maps every rule to a topic', () => {
    expect(RULES.filter(([, topic]) => !TOPICS.includes(topic))).toEqual([]);
  });

  it('files a source file by its folder, the longest rule first', () => {
    expect(topicOfFile('src/data/csv/csv.ts')).toBe('Loading');
    expect(topicOfFile('src/design/build.ts')).toBe('Designs');
    expect(topicOfFile('src/design/weighting-history.ts')).toBe('Weighting');
    expect(topicOfFile('src/variance/linearization.ts')).toBe('Estimates');
    expect(topicOfFile('src/models/glm.ts')).toBe('Models');
    expect(topicOfFile('src/report/report.ts')).toBe('Charts');
    expect(topicOfFile('src/cli/main.ts')).toBe('Command line');
    expect(topicOfFile('src/errors.ts')).toBe('Errors');
    expect(topicOfFile('src/somewhere/new.ts')).toBeUndefined();
  });
});
