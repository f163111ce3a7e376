// Types of the TypeDoc plugin scripts/typedoc-topics.mjs, for the tests that import it.
import type { Application } from 'typedoc';

/** The topics of the API reference, in order. */
export declare const TOPICS: readonly string[];
/** Source path prefixes and their topic (the longest matching prefix wins). */
export declare const RULES: ReadonlyArray<readonly [prefix: string, topic: string]>;
/** The topic of a source file (path relative to the package root), or undefined. */
export declare function topicOfFile(path: string): string | undefined;
/** Registers the plugin with TypeDoc. */
export declare function load(app: Application): void;
