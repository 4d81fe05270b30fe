/**
 * The `event-bus` command tree, declared in one place. Each verb lives in its own module
 * under cli/commands/ and exports `register(program)`. Only the verb being run is imported
 * (the others pull in the AsyncAPI parser, the Pub/Sub client or database drivers), so a
 * command starts fast; `--help` without a verb loads them all to list them.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';

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
  docs: () => import('./commands/docs.js'),
};

export async function buildProgram(verb?: string): Promise<Command> {
  const program = new Command('event-bus')
    .description('Event schema registry, typed SDK generator and Pub/Sub runtime tools')
    .showHelpAfterError()
    .exitOverride();
  const selected = verb !== undefined && Object.hasOwn(verbs, verb) ? [verb] : Object.keys(verbs);
  for (const name of selected) {
    const { register } = await verbs[name]!();
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`event-bus: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}
