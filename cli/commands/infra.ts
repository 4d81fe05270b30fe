import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the 'infra' verb lands; its owner replaces this file.
export function register(program: Command): void {
  program
    .command('infra')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("event-bus: 'infra' is not implemented yet\n");
      process.exitCode = EXIT_USAGE;
    });
}
