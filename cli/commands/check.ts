/**
 * `event-bus check [--config file] [--registry file] [--base <git-ref>] [--format text|json|github] [--root dir] [--update-lock]`:
 * the registry's CI gate. Exit 0 clean, 1 findings, 2 usage error or unreadable input, 3 failure
 * (mapped in cli/plumbing.ts). The registry (any file name), output folder, runtime import and lock
 * come from `event-bus.config.json` (shared with `generate`) unless flags say otherwise; `--root`
 * alone keeps `<root>/asyncapi.yaml` and `<root>/generated`. Findings go to stdout; notes, the
 * summary and failures to stderr.
 */
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkRegistry } from '../../compat/check/check.js';
import { formatFindings } from '../../compat/findings.js';
import { addFormatOption, OUTPUT_FORMATS, type OutputFormat } from '../flags.js';
import { processIo, runVerb, UsageError, verbAction, type CommandIo, type VerbResult } from '../plumbing.js';
import { PROJECT_CONFIG_FILE, ProjectConfigError, resolveProjectSettings } from '../project-config.js';

export const FLAG_BASE = '--base <git-ref>';
export const FLAG_ROOT = '--root <dir>';
export const FLAG_UPDATE_LOCK = '--update-lock';
export const FLAG_NO_GENERATED = '--no-generated';
export const FLAG_ALL = '--all';
export const FLAG_LOCK = '--lock <file>';
export const FLAG_CONFIG = '--config <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_RUNTIME_IMPORT = '--runtime-import <specifier>';
export const FLAG_REGISTRY = '--registry <file>';

export interface CheckFlags {
  /** Registry root; default: the registry document's folder when it comes from the config or --registry, else '.'. */
  root?: string;
  config?: string;
  /** The registry document (any file name), as `generate --input`; default: from the config, else <root>/asyncapi.yaml. */
  registry?: string;
  /** Output folder to compare (as `generate --out`). */
  out?: string;
  runtimeImport?: string;
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

/** The settings `check` compares with: the config file's (shared with `generate`) unless flags say otherwise. */
function checkSettings(flags: CheckFlags) {
  let settings;
  try {
    settings = resolveProjectSettings({
      ...(flags.config !== undefined && { config: flags.config }),
      ...(flags.registry !== undefined && { registry: flags.registry }),
      ...(flags.out !== undefined && { out: flags.out }),
      ...(flags.runtimeImport !== undefined && { runtimeImport: flags.runtimeImport }),
    });
  } catch (error) {
    if (error instanceof ProjectConfigError) throw new UsageError(error.message);
    throw error;
  }
  // The registry document is named by --registry or the config file (any name: its folder is the
  // registry root, holding the schemas it references and the lock); else it is <root>/asyncapi.yaml.
  const named = flags.registry !== undefined || settings.file !== undefined;
  const root = flags.root !== undefined ? resolve(flags.root) : named ? dirname(settings.registry) : resolve('.');
  const registry = named ? settings.registry : resolve(root, 'asyncapi.yaml');
  // Without a config file or --out, `--root` keeps its meaning: <root>/generated.
  const out = flags.out !== undefined || settings.file !== undefined ? settings.out : resolve(root, 'generated');
  const lockFile = flags.lock ?? (named && flags.root === undefined ? relative(root, settings.lock).split('\\').join('/') : undefined);
  return { root, registry, out, lockFile, settings };
}

/** The verb: findings on stdout, notes on stderr; returns the number of incompatible findings. */
export async function check(flags: CheckFlags, io: CommandIo = processIo): Promise<VerbResult> {
  const { root, registry, out, lockFile, settings } = checkSettings(flags);
  const report = await checkRegistry({
    root,
    registry,
    ...(flags.base !== undefined ? { base: flags.base } : {}),
    updateLock: flags.updateLock === true,
    generated: flags.generated !== false,
    ...(lockFile !== undefined ? { lockFile } : {}),
    generatedSettings: {
      out,
      runtimeImport: settings.runtimeImport,
      avro: settings.avro,
      bindRuntimeClasses: settings.runtimeClasses,
    },
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
      'check the registry for CI: the AsyncAPI document valid, generated/ fresh, released versions untouched, versions compatible',
    )
    .option(FLAG_BASE, 'also compare with the registry at this git ref (e.g. origin/main)')
    .option(FLAG_CONFIG, `settings shared with \`generate\` (default: ./${PROJECT_CONFIG_FILE} when present)`)
    .option(FLAG_REGISTRY, 'the AsyncAPI document of the registry, any file name, as given to `generate --input` (default: from the config, else <root>/asyncapi.yaml)')
    .option(FLAG_ROOT, "registry root holding the registry's schemas/ and generated/ (default: the registry document's folder, else '.')")
    .option(FLAG_OUT, 'generated folder to compare, as given to `generate --out` (default: from the config, else <root>/generated)')
    .option(FLAG_RUNTIME_IMPORT, 'runtime import the generated code uses, as given to `generate` (default: from the config)')
    .option(FLAG_UPDATE_LOCK, 'record every version not yet in registry.lock.json as released')
    .option(FLAG_NO_GENERATED, 'skip the generated/ freshness check')
    .option(FLAG_ALL, 'also print compatible findings')
    .option(FLAG_LOCK, 'released-versions lock, relative to the root (default registry.lock.json)')
    .action(verbAction('check', (flags: CheckFlags) => check(flags)));
  addFormatOption(command, OUTPUT_FORMATS);
}
