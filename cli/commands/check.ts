/**
 * `event-bus check [--config file] [--base <git-ref>] [--format text|json|github] [--root dir] [--update-lock]`:
 * the registry's CI gate. Exit 0 clean, 1 findings, 2 usage error or unreadable input.
 * The registry, output folder, runtime import and lock come from `event-bus.config.json` (shared
 * with `generate`) unless flags say otherwise; `--root` alone keeps `<root>/generated`.
 * Findings go to stdout; notes and failures go to stderr, prefixed.
 */
import { basename, dirname, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { checkRegistry } from '../../compat/check/check.js';
import { isCompatInputError } from '../../compat/errors.js';
import { formatFindings, FORMATS, type OutputFormat } from '../../compat/findings.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import type { CommandIo } from './diff.js';
import { PROJECT_CONFIG_FILE, ProjectConfigError, resolveProjectSettings } from '../project-config.js';

export const FLAG_BASE = '--base <git-ref>';
export const FLAG_FORMAT = '--format <format>';
export const FLAG_ROOT = '--root <dir>';
export const FLAG_UPDATE_LOCK = '--update-lock';
export const FLAG_NO_GENERATED = '--no-generated';
export const FLAG_ALL = '--all';
export const FLAG_LOCK = '--lock <file>';
export const FLAG_CONFIG = '--config <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_RUNTIME_IMPORT = '--runtime-import <specifier>';

export interface CheckFlags {
  /** Registry root; default: the config file's registry folder, else '.'. */
  root?: string;
  config?: string;
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

const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export async function runCheck(flags: CheckFlags, io: CommandIo = processIo): Promise<number> {
  try {
    const settings = resolveProjectSettings({
      ...(flags.config !== undefined && { config: flags.config }),
      ...(flags.out !== undefined && { out: flags.out }),
      ...(flags.runtimeImport !== undefined && { runtimeImport: flags.runtimeImport }),
    });
    const fromConfig = settings.file !== undefined && flags.root === undefined;
    if (fromConfig && basename(settings.registry) !== 'asyncapi.yaml') {
      throw new ProjectConfigError(
        `${settings.file}: 'registry' must name a file called asyncapi.yaml for check (its folder is the registry root), got '${settings.registry}'`,
      );
    }
    const root = flags.root !== undefined ? resolve(flags.root) : fromConfig ? dirname(settings.registry) : resolve('.');
    // Without a config file or --out, `--root` keeps its meaning: <root>/generated.
    const out = flags.out !== undefined || settings.file !== undefined ? settings.out : resolve(root, 'generated');
    const lockFile = flags.lock ?? (fromConfig ? relative(root, settings.lock).split('\\').join('/') : undefined);
    const report = await checkRegistry({
      root,
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
    return shown.some((finding) => !finding.compatible) ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    if (error instanceof ProjectConfigError) {
      io.stderr(`event-bus check: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (isCompatInputError(error)) {
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
    .option(FLAG_CONFIG, `settings shared with \`generate\` (default: ./${PROJECT_CONFIG_FILE} when present)`)
    .option(FLAG_ROOT, "registry root holding asyncapi.yaml, schemas/ and generated/ (default: the config's registry folder, else '.')")
    .option(FLAG_OUT, 'generated folder to compare, as given to `generate --out` (default: from the config, else <root>/generated)')
    .option(FLAG_RUNTIME_IMPORT, 'runtime import the generated code uses, as given to `generate` (default: from the config)')
    .option(FLAG_UPDATE_LOCK, 'record every version not yet in registry.lock.json as released')
    .option(FLAG_NO_GENERATED, 'skip the generated/ freshness check')
    .option(FLAG_ALL, 'also print compatible findings')
    .option(FLAG_LOCK, 'released-versions lock, relative to the root (default registry.lock.json)')
    .action(async (flags: CheckFlags) => {
      process.exitCode = await runCheck(flags);
    });
}
