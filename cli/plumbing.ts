/**
 * The CLI's one plumbing (after buf's bufctl): a verb returns its findings or throws a typed
 * error, and only this module turns either into an exit code and a message.
 *   0 clean · 1 findings (stdout) · 2 usage or unreadable input · 3 unexpected failure (stderr)
 * Every verb's commander action goes through `verbAction`; `main` reads the outcome once.
 */
import { EventBusError, isEventBusError } from '../runtime/errors.js';
import { redactedMessage } from '../runtime/redact.js';
import { EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/** Where a verb writes: findings and results to stdout, notes, summaries and failures to stderr. */
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** What a verb returns: how many findings it reported (0 = clean) and a one-line summary. */
export interface VerbResult {
  readonly findings: number;
  /** Printed to stderr as `event-bus <verb>: <summary>` (keeps stdout machine-readable). */
  readonly summary?: string;
}

export const clean = (summary?: string): VerbResult => ({ findings: 0, ...(summary !== undefined && { summary }) });

/** A wrong flag combination or value the argument parser could not catch. */
export class UsageError extends EventBusError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/**
 * A verb's statement that an error is about its input (exit 2) whatever its code: `generate`
 * says so for every error of the registry it reads. Keeps the original code and message.
 */
export class InputError extends EventBusError {
  readonly input = true;
  constructor(original: EventBusError) {
    super(original.code, original.message, { cause: original });
  }
}

/**
 * Errors that mean "usage or unreadable input" (exit 2): the user can fix them by changing the
 * command or the files it reads. By code, so errors from generator/, compat/, ops/ and the runtime
 * are classified without importing them (and across copies of the package).
 */
const INPUT_CODES = new Set([
  'CLI_USAGE',
  'ASYNCAPI_INVALID',
  'SCHEMA_FILE_MISSING',
  'SCHEMA_UNREADABLE',
  'AVRO_DEFINITION_INVALID',
  'AVRO_REF_UNRESOLVED',
  'AVRO_UNREPRESENTABLE',
  'AVRO_SCHEMA_INVALID',
  'INFRA_CONFIG_INVALID',
  'INVALID_CONFIG',
  'INVALID_RESOURCE_ID',
  'INVALID_SCHEMA_ID',
  'INVALID_OPTIONS',
  'DLQ_CONFIG_INVALID',
  'STORE_CONFIGURATION',
  'STORE_NOT_MIGRATED',
  'REPLAY_INVALID_RANGE',
  'NAMING_FAILED',
  'VALIDATOR_COMPILE_FAILED',
  'GENERATION_FAILED',
  'TEMPLATE_INVALID',
  'COMPATIBILITY_MODE_INVALID',
  'COMPATIBILITY_POLICY_INVALID',
  'COMPATIBILITY_REASON_MISSING',
  'PROJECTION_UNKNOWN',
  'PROJECTION_DEFINITION',
  'PROJECTION_NOT_REBUILDABLE',
  'INVALID_PROJECT_CONFIG',
  'STORE_INVALID_INPUT',
]);
const INPUT_CODE_PREFIXES = ['COMPAT_', 'REGISTRY_', 'GUARD_', 'INPUT_'];
/** Node's codes for a file that cannot be read. */
const UNREADABLE_FILE_CODES = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'ENAMETOOLONG']);

/**
 * Optional peer dependencies (decision 0006): a verb that needs one the project did not install
 * fails with exit 2 and says what to install, instead of a module-resolution stack.
 */
const OPTIONAL_PEERS: Readonly<Record<string, string>> = {
  '@asyncapi/parser': 'the generator toolchain (generate, check): npm install -D @asyncapi/parser handlebars',
  handlebars: 'the generator toolchain (generate, check): npm install -D @asyncapi/parser handlebars',
  pg: 'the PostgreSQL driver: npm install pg',
  'better-sqlite3': 'the SQLite driver: npm install better-sqlite3',
};

/** The optional peer a module-resolution error names, if any. */
export function missingOptionalPeer(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const message = error instanceof Error ? error.message : '';
  return Object.keys(OPTIONAL_PEERS).find((name) => message.includes(`'${name}'`) || message.includes(`"${name}"`));
}

export function isInputError(error: unknown): boolean {
  if (missingOptionalPeer(error) !== undefined) return true;
  if (isEventBusError(error) && (error as { input?: unknown }).input === true) return true;
  if (isEventBusError(error)) return INPUT_CODES.has(error.code) || INPUT_CODE_PREFIXES.some((prefix) => error.code.startsWith(prefix));
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREADABLE_FILE_CODES.has(code) && typeof (error as { path?: unknown }).path === 'string';
}

/** The one mapping from a verb's result to an exit code. */
export function exitCodeOf(result: VerbResult): number {
  return result.findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** The one mapping from a thrown error to an exit code, with its message on stderr. */
export function exitCodeOfError(verb: string, error: unknown, io: CommandIo = processIo): number {
  // Raw driver errors (pg, the Pub/Sub client) may quote a connection string: redact every message.
  const message = redactedMessage(error);
  const code = isEventBusError(error) ? `${error.code}: ` : '';
  const peer = missingOptionalPeer(error);
  if (peer !== undefined) {
    io.stderr(`event-bus${verb ? ` ${verb}` : ''}: needs ${peer}, an optional dependency not installed here; for ${OPTIONAL_PEERS[peer]}\n`);
    return EXIT_USAGE;
  }
  if (isInputError(error)) {
    // The message names the file, flag or value to fix; the code is for machines (--format json).
    io.stderr(`event-bus${verb ? ` ${verb}` : ''}: ${message}\n`);
    return EXIT_USAGE;
  }
  io.stderr(`event-bus${verb ? ` ${verb}` : ''}: unexpected failure: ${code}${message}\n`);
  if (process.env.EVENT_BUS_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT_FAILURE;
}

/** Runs a verb and maps its result or error to an exit code (for callers outside commander). */
export async function runVerb(verb: string, work: () => Promise<VerbResult> | VerbResult, io: CommandIo = processIo): Promise<number> {
  try {
    const result = await work();
    if (result.findings === 0 && result.summary !== undefined) io.stderr(`event-bus ${verb}: ${result.summary}\n`);
    return exitCodeOf(result);
  } catch (error) {
    return exitCodeOfError(verb, error, io);
  }
}

let outcome: number | undefined;

/** Wraps a verb's implementation as a commander action; `main` collects the exit code. */
export function verbAction<A extends unknown[]>(
  verb: string,
  work: (...args: A) => Promise<VerbResult> | VerbResult,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    outcome = await runVerb(verb, () => work(...args));
  };
}

/** The exit code the last verb produced (0 when none ran, e.g. `--help`), and resets it. */
export function takeOutcome(): number {
  const code = outcome ?? EXIT_OK;
  outcome = undefined;
  return code;
}

/**
 * `event-bus replay … | head`: when the reader goes away, stop quietly with exit 0 instead of
 * crashing on EPIPE. Installed once by the binary.
 */
export function exitQuietlyOnEpipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    throw error;
  });
}
