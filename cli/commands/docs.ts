/**
 * `event-bus docs [--input asyncapi.yaml] [--out site] [--format html|markdown]`: the registry as a
 * static, offline event catalog. Exit codes (cli/plumbing.ts): 0 written, 2 when the registry is
 * invalid or unreadable, 3 failure.
 */
import { Option, type Command } from 'commander';
import { DEFAULT_INPUT, RegistryError, formatDiagnostic } from '../../generator/index.js';
import { isEventBusError } from '../../runtime/errors.js';
import { DEFAULT_DOCS_OUT, DOCS_FORMATS, buildDocsSite, type DocsFormat } from '../../docsite/index.js';
import { InputError, clean, processIo, UsageError, verbAction, type CommandIo, type VerbResult } from '../plumbing.js';
import { implicitProjectSettings, PROJECT_CONFIG_FILE, ProjectConfigError } from '../project-config.js';

export const FLAG_INPUT = '--input <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_FORMAT = '--format <format>';

export interface DocsFlags {
  /** Undefined: the registry ./event-bus.config.json names, else asyncapi.yaml. */
  input?: string;
  out: string;
  format: DocsFormat;
}

export function register(program: Command): void {
  program
    .command('docs')
    .description('build a static event catalog (one page per event type, map, search, changelogs) from the registry')
    .option(FLAG_INPUT, `AsyncAPI document of the registry, any name (default: the registry ./${PROJECT_CONFIG_FILE} names, else ${DEFAULT_INPUT})`)
    .option(FLAG_OUT, 'output folder', DEFAULT_DOCS_OUT)
    .addOption(
      new Option(FLAG_FORMAT, 'html (a browsable site) or markdown (for repositories that render Markdown)')
        .choices([...DOCS_FORMATS])
        .default('html'),
    )
    .action(verbAction('docs', (flags: DocsFlags) => docs(flags)));
}

/** The verb: writes the catalog; the entry page and the counts on stdout. */
export async function docs(flags: DocsFlags, io: CommandIo = processIo): Promise<VerbResult> {
  try {
    const input = flags.input ?? implicitProjectSettings().registry;
    const result = await buildDocsSite({ input, out: flags.out, format: flags.format });
    for (const file of result.removed) io.stdout(`removed ${flags.out}/${file}\n`);
    const entry = flags.format === 'markdown' ? 'README.md' : 'index.html';
    io.stdout(`${flags.out}/${entry}: ${result.events} event pages, ${result.files.length} files\n`);
    return clean();
  } catch (error) {
    if (error instanceof ProjectConfigError) throw new UsageError(error.message);
    if (error instanceof RegistryError) {
      for (const diagnostic of error.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
      throw new UsageError(`${error.file}: ${error.diagnostics.length} problem(s) in the registry; no catalog written`);
    }
    // Guard, generator and differ errors name the file and JSON pointer: the registry is the input.
    if (isEventBusError(error) && error.code !== 'INTERNAL') throw new InputError(error);
    throw error;
  }
}
