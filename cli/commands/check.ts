/**
 * `event-bus check [--base <git-ref>] [--format text|json|github] [--root dir] [--update-lock]`:
 * the registry's CI gate. Exit 0 clean, 1 findings, 2 usage error or unreadable input, 3 failure
 * (mapped in cli/plumbing.ts). Findings go to stdout; notes, the summary and failures to stderr.
 */
import type { Command } from 'commander';
import { checkRegistry } from '../../compat/check/check.js';
import { formatFindings } from '../../compat/findings.js';
import { addFormatOption, OUTPUT_FORMATS, type OutputFormat } from '../flags.js';
import { processIo, runVerb, verbAction, type CommandIo, type VerbResult } from '../plumbing.js';

export const FLAG_BASE = '--base <git-ref>';
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

/** The verb: findings on stdout, notes on stderr; returns the number of incompatible findings. */
export async function check(flags: CheckFlags, io: CommandIo = processIo): Promise<VerbResult> {
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
  const findings = shown.filter((finding) => !finding.compatible).length;
  return { findings, summary: `clean (${report.findings.length} compatible finding(s)${flags.base !== undefined ? `, compared with ${flags.base}` : ''})` };
}

/** `check` with its exit code, for callers outside the command tree (tests, scripts). */
export function runCheck(flags: CheckFlags, io: CommandIo = processIo): Promise<number> {
  return runVerb('check', () => check(flags, io), io);
}

export function register(program: Command): void {
  const command = program
    .command('check')
    .description(
      'check the registry for CI: asyncapi.yaml valid, generated/ fresh, released versions untouched, versions compatible',
    )
    .option(FLAG_BASE, 'also compare with the registry at this git ref (e.g. origin/main)')
    .option(FLAG_ROOT, 'registry root holding asyncapi.yaml, schemas/ and generated/', '.')
    .option(FLAG_UPDATE_LOCK, 'record every version not yet in registry.lock.json as released')
    .option(FLAG_NO_GENERATED, 'skip the generated/ freshness check')
    .option(FLAG_ALL, 'also print compatible findings')
    .option(FLAG_LOCK, 'released-versions lock, relative to the root (default registry.lock.json)')
    .action(verbAction('check', (flags: CheckFlags) => check(flags)));
  addFormatOption(command, OUTPUT_FORMATS);
}
