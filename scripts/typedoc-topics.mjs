// TypeDoc plugin (typedoc.json "plugin"): files every export of src/index.ts under one topic of the
// API reference, from the folder its declaration lives in, so a new module needs no tag to be
// filed. The topic is given to TypeDoc as a `@category` tag, which TypeDoc itself then sorts
// (categoryOrder) and draws; an export that carries its own `@category` tag keeps it. An export
// whose file matches no rule, or a tag naming no topic, fails `npm run docs`.
// test/docs/api-reference.test.ts checks the generated reference against TOPICS.
import { Comment, CommentTag, Converter } from 'typedoc';

/** The topics of the reference, in the order the reference and the guides show them. */
export const TOPICS = [
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

/**
 * Source path prefixes (relative to the package root) and their topic. The longest matching
 * prefix wins, so a file can be filed apart from its folder.
 */
export const RULES = [
  ['src/data/', 'Loading'],
  ['src/design/', 'Designs'],
  // what a design records of its weighting is read by people who weight
  ['src/design/weighting-history.ts', 'Weighting'],
  ['src/weighting/', 'Weighting'],
  // the poll layer's margins file and "weight to the population" step
  ['src/poll/weighting.ts', 'Weighting'],
  ['src/variance/', 'Estimates'],
  ['src/estimate/', 'Estimates'],
  // "what is in this file": read right after loading (surveykit describe)
  ['src/estimate/describe.ts', 'Loading'],
  // distribution functions behind the estimates' intervals and p-values
  ['src/stats/', 'Estimates'],
  ['src/models/', 'Models'],
  ['src/tabs/', 'Tables'],
  ['src/poll/', 'Poll'],
  ['src/charts/', 'Charts'],
  ['src/report/', 'Charts'],
  ['src/cli/', 'Command line'],
  ['src/errors.ts', 'Errors'],
  // the caps whose TOO_LARGE errors name them
  ['src/limits.ts', 'Errors'],
];

/**
 * The topic of a source file, or undefined when no rule matches.
 * @param {string} path the file's path relative to the package root, with forward slashes
 * @returns {string | undefined}
 */
export function topicOfFile(path) {
  let best;
  for (const [prefix, topic] of RULES) {
    if (path.startsWith(prefix) && (!best || prefix.length > best[0].length))
      best = [prefix, topic];
  }
  return best?.[1];
}

/** The `@category` tags a reflection already carries (on itself or its signatures). */
function ownCategories(reflection) {
  const comments = [reflection.comment, ...(reflection.signatures ?? []).map((s) => s.comment)];
  return comments.flatMap((c) =>
    (c?.blockTags ?? [])
      .filter((t) => t.tag === '@category')
      .map((t) => Comment.combineDisplayParts(t.content).trim()),
  );
}

/**
 * Registers the plugin with TypeDoc.
 * @param {import('typedoc').Application} app
 */
export function load(app) {
  // After the comments are final, before TypeDoc's CategoryPlugin (priority -200) reads the tags.
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      const project = context.project;
      for (const reflection of project.children ?? []) {
        const name = reflection.getFriendlyFullName();
        const own = ownCategories(reflection);
        if (own.length > 0) {
          for (const topic of own) {
            if (!TOPICS.includes(topic)) {
              app.logger.error(`${name}: @category ${topic} is not a topic (${TOPICS.join(', ')})`);
            }
          }
          continue;
        }
        const path = project.getSymbolIdFromReflection(reflection)?.packagePath;
        const topic = path === undefined ? undefined : topicOfFile(path.replaceAll('\\', '/'));
        if (topic === undefined) {
          app.logger.error(
            `${name} (${path ?? 'unknown file'}) has no topic: add a rule to scripts/typedoc-topics.mjs or a @category tag`,
          );
          continue;
        }
        // The tag goes on the comment the export already has (a function's is on its signature).
        // An export without any comment is left to TypeDoc's notDocumented check, which fails the
        // build: giving it a comment here would hide it from that check.
        const comment =
          reflection.comment ?? reflection.signatures?.find((s) => s.comment)?.comment;
        comment?.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: topic }]));
      }
    },
    -100,
  );
}
