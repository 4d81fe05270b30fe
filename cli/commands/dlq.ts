import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the 'dlq' verb lands; its owner replaces this file.
export function register(program: Command): void {
  program
    .command('dlq')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("event-bus: 'dlq' is not implemented yet\n");
      process.exitCode = EXIT_USAGE;
    });
}
