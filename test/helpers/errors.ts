/** What a call throws, for tests of typed errors. */
import { SurveyError } from '../../src/errors.js';

/**
 * The SurveyError `f` throws; fails the test when it throws nothing, and rethrows anything that
 * is not a SurveyError (a crash is not a typed error).
 */
export function thrown(f: () => unknown): SurveyError {
  try {
    f();
  } catch (e) {
    if (e instanceof SurveyError) return e;
    throw e;
  }
  throw new Error('expected a SurveyError, but nothing was thrown');
}
