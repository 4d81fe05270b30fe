/**
 * `event-bus check [--base <git-ref>] [--format text|json|github] [--root dir] [--update-lock]`:
 * the registry's CI gate. Exit 0 clean, 1 findings, 2 usage error or unreadable input.
 * Findings go to stdout; notes and failures go to stderr, prefixed.
 */
import { Option, type Command } from 'commander';
import { checkRegistry } from '../../compat/check/check.js';
import { isCompatInputError } from '../../compat/errors.js';
import { isRegistryGuardError } from '../../generator/guard/limits.js';
import { formatFindings, FORMATS, type OutputFormat } from '../../compat/findings.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { CommandIo } from './diff.js';

export const FLAG_BASE = '--base <git-ref>';
export const FLAG_FORMAT = '--format <format>';
export const FLAG_ROOT = '--root <dir>';
export const FLAG_UPDATE_LOCK = '--update-lock';
export const FLAG_NO_GENERATED = '--no-generated';
export const FLAG_ALL = '--all';
export const FLAG_LOCK = '--lock <file>';

export interface CheckFlags {
  root: string;
  base?: string;
  format: OutputFormat;
  updateLock?: boolean;
  /** false with --no-generated. */
  generated?: boolean;
  /** Also print compatible findings (loosenings between versions). */
  all?: boolean;
  /** Lock file, relative to the root. */
  lock?: string;
}

const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export async function runCheck(flags: CheckFlags, io: CommandIo = processIo): Promise<number> {
  try {
    const report = await checkRegistry({
      root: flags.root,
      ...(flags.base !== undefined ? { base: flags.base } : {}),
      updateLock: flags.updateLock === true,
      generated: flags.generated !== false,
      ...(flags.lock !== undefined ? { lockFile: flags.lock } : {}),
    });
    const shown = flags.all ? report.findings : report.findings.filter((finding) => !finding.compatible);
    io.stdout(formatFindings(shown, flags.format, 'line'));
    for (const note of report.notes) io.stderr(`event-bus check: note: ${note}\n`);
    return shown.some((finding) => !finding.compatible) ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    if (isCompatInputError(error) || isRegistryGuardError(error)) {
      io.stderr(`event-bus check: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('check')
    .description(
      'check the registry for CI: asyncapi.yaml valid, generated/ fresh, released versions untouched, versions compatible',
    )
    .option(FLAG_BASE, 'also compare with the registry at this git ref (e.g. origin/main)')
    .addOption(new Option(FLAG_FORMAT, 'output format').choices([...FORMATS]).default('text'))
    .option(FLAG_ROOT, 'registry root holding asyncapi.yaml, schemas/ and generated/', '.')
    .option(FLAG_UPDATE_LOCK, 'record every version not yet in registry.lock.json as released')
    .option(FLAG_NO_GENERATED, 'skip the generated/ freshness check')
    .option(FLAG_ALL, 'also print compatible findings')
    .option(FLAG_LOCK, 'released-versions lock, relative to the root (default registry.lock.json)')
    .action(async (flags: CheckFlags) => {
      process.exitCode = await runCheck(flags);
    });
}
