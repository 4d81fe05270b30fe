/**
 * The `event-bus` command tree, declared in one place. Each verb lives in its own module
 * under cli/commands/ and exports `register(program)`.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './exit-codes.js';
import { register as registerGenerate } from './commands/generate.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerDiff } from './commands/diff.js';
import { register as registerSchemas } from './commands/schemas.js';
import { register as registerInfra } from './commands/infra.js';
import { register as registerStore } from './commands/store.js';
import { register as registerDlq } from './commands/dlq.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerDemo } from './commands/demo.js';

export function buildProgram(): Command {
  const program = new Command('event-bus')
    .description('Event schema registry, typed SDK generator and Pub/Sub runtime tools')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerGenerate,
    registerCheck,
    registerDiff,
    registerSchemas,
    registerInfra,
    registerStore,
    registerDlq,
    registerReplay,
    registerDemo,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
