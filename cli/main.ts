/**
 * The `event-bus` command tree, declared in one place. Each verb lives in its own module
 * under cli/commands/ and exports `register(program)`. Only the verb being run is imported
 * (the others pull in the AsyncAPI parser, the Pub/Sub client or database drivers), so a
 * command starts fast; `--help` without a verb loads them all to list them.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';
import { exitCodeOfError, missingOptionalPeer, takeOutcome } from './plumbing.js';

/** The package version, for `--version` (package.json is two levels up from src and from dist). */
export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@clone/event-bus' && manifest.version) return manifest.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

type Register = (program: Command) => void;

const verbs: Record<string, () => Promise<{ register: Register }>> = {
  generate: () => import('./commands/generate.js'),
  check: () => import('./commands/check.js'),
  diff: () => import('./commands/diff.js'),
  schemas: () => import('./commands/schemas.js'),
  infra: () => import('./commands/infra.js'),
  store: () => import('./commands/store.js'),
  dlq: () => import('./commands/dlq.js'),
  replay: () => import('./commands/replay.js'),
  demo: () => import('./commands/demo.js'),
  projections: () => import('./commands/projections.js'),
  docs: () => import('./commands/docs.js'),
};

export async function buildProgram(verb?: string): Promise<Command> {
  const program = new Command('event-bus')
    .description('Event schema registry, typed SDK generator and Pub/Sub runtime tools')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  if (verb === '--version' || verb === '-V') return program;
  if (verb !== undefined && Object.hasOwn(verbs, verb)) {
    const { register } = await verbs[verb]!();
    register(program);
    return program;
  }
  // Listing every verb (help, an unknown verb): one whose optional dependencies are missing is
  // still listed, and says what it needs when run.
  for (const name of Object.keys(verbs)) {
    try {
      const { register } = await verbs[name]!();
      register(program);
    } catch (error) {
      const peer = missingOptionalPeer(error);
      if (peer === undefined) throw error;
      program.command(name).description(`(needs the optional dependency ${peer})`);
    }
  }
  return program;
}

/**
 * Runs one command line and returns its exit code; the only place exits are decided (through
 * cli/plumbing.ts): 0 clean, 1 findings, 2 usage or unreadable input, 3 unexpected failure.
 */
export async function main(argv: string[]): Promise<number> {
  const verb = argv[2];
  try {
    // Loading a verb can fail too: an optional dependency it needs is not installed (exit 2).
    const program = await buildProgram(verb);
    takeOutcome();
    await program.parseAsync(argv);
    return takeOutcome();
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; parse errors were printed by commander.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    // Errors thrown outside a verb's action (building options, a flag's parser).
    return exitCodeOfError(verb !== undefined && !verb.startsWith('-') ? verb : '', error);
  }
}
