/** Defences against hostile registries and output paths (docs/security.md). */
export { DEFAULT_REGISTRY_LIMITS, RegistryGuardError, isRegistryGuardError, type RegistryGuardCode, type RegistryLimits } from './limits.js';
export { guardRegistry, type GuardOptions, type GuardReport } from './registry-guard.js';
export { compileLinearPattern, linearRegExp, unsupportedPatternReason, PATTERN_HINT } from './patterns.js';
export { assertOutputPath, OutputPathError } from './output-path.js';
export { escapeControlCharacters, hasControlCharacters } from './text.js';
