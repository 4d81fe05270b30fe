import type { Command } from 'commander';
import { EXIT_USAGE } from '../exit-codes.js';

// Placeholder until the 'store' verb lands; its owner replaces this file.
export function register(program: Command): void {
  program
    .command('store')
    .description('(not implemented yet)')
    .allowUnknownOption()
    .action(() => {
      process.stderr.write("event-bus: 'store' is not implemented yet\n");
      process.exitCode = EXIT_USAGE;
    });
}
