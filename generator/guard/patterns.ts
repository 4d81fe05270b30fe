/**
 * `pattern` and `patternProperties` run on RE2 semantics (the re2js port): matching time is
 * linear in the input, whatever the pattern. A pattern RE2 cannot express (backreferences,
 * lookahead, lookbehind) is refused at generate time with its pointer and a hint, instead of
 * shipping a validator a 30-character payload can stall for seconds.
 */
import { RE2JS } from 're2js';

/** Compiles an ECMAScript-syntax pattern for RE2 (named groups, `\u{…}`, `/` translated). */
export function compileLinearPattern(pattern: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

/**
 * ajv's `code.regExp` engine: called by ajv at generate time (which is where unsupported syntax
 * throws), and written into the standalone validators as `code`. There it compiles each pattern on
 * its first test, not when the module loads: ajv hoists the patterns to module level, and loading
 * re2js plus compiling them was most of the package's import time (decision 0135).
 */
export const linearRegExp = Object.assign(
  (pattern: string, _flags?: string): { test: (input: string) => boolean } => compileLinearPattern(pattern),
  {
    code: '((pattern) => { let compiled; return { test: (input) => { if (compiled === undefined) { const { RE2JS } = require("re2js"); compiled = RE2JS.compile(RE2JS.translateRegExp(pattern)); } return compiled.test(input); } }; })',
  },
);

/** Why RE2 refuses `pattern`, or undefined when it compiles (or is not a valid ECMAScript pattern either). */
export function unsupportedPatternReason(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    // Not ECMAScript either: the meta-schema check reports it the way it always did.
    return undefined;
  }
  try {
    compileLinearPattern(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export const PATTERN_HINT =
  'validators match patterns with a linear-time engine (RE2 syntax): backreferences (\\1), lookahead (?=, ?!) and lookbehind (?<=, ?<!) are not supported, nor repeat counts over 1000; rewrite the pattern without them (see docs/security.md)';
