/**
 * `event-bus docs [--input asyncapi.yaml] [--out site] [--format html|markdown]`: the registry as a
 * static, offline event catalog. Exit codes: 0 written, 2 when the registry is invalid or unreadable.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { DEFAULT_INPUT, GeneratorError, RegistryParseError, formatDiagnostic } from '../../generator/index.js';
import { isCompatInputError } from '../../compat/errors.js';
import { isEventBusError } from '../../runtime/errors.js';
import { DEFAULT_DOCS_OUT, DOCS_FORMATS, buildDocsSite, type DocsFormat } from '../../docsite/index.js';

export const FLAG_INPUT = '--input <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_FORMAT = '--format <format>';

export interface DocsFlags {
  input: string;
  out: string;
  format: DocsFormat;
}

export function register(program: Command): void {
  program
    .command('docs')
    .description('build a static event catalog (one page per event type, map, search, changelogs) from the registry')
    .option(FLAG_INPUT, 'AsyncAPI document of the registry', DEFAULT_INPUT)
    .option(FLAG_OUT, 'output folder', DEFAULT_DOCS_OUT)
    .addOption(
      new Option(FLAG_FORMAT, 'html (a browsable site) or markdown (for repositories that render Markdown)')
        .default('html')
        .argParser((value) => {
          if (!(DOCS_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DOCS_FORMATS.join(', ')}`);
          return value;
        }),
    )
    .action(async (flags: DocsFlags) => {
      process.exitCode = await run(flags);
    });
}

export async function run(flags: DocsFlags): Promise<number> {
  try {
    const result = await buildDocsSite({ input: flags.input, out: flags.out, format: flags.format });
    for (const file of result.removed) process.stdout.write(`removed ${flags.out}/${file}\n`);
    const entry = flags.format === 'markdown' ? 'README.md' : 'index.html';
    process.stdout.write(`${flags.out}/${entry}: ${result.events} event pages, ${result.files.length} files\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof RegistryParseError) {
      for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
      process.stderr.write(`event-bus: ${error.file} is not a valid AsyncAPI document\n`);
      return EXIT_USAGE;
    }
    if (error instanceof GeneratorError || isEventBusError(error) || isCompatInputError(error)) {
      process.stderr.write(`event-bus docs: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
