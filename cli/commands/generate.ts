/**
 * `event-bus generate [--config file] [--input asyncapi.yaml] [--out generated] [--check] [--runtime-import spec] [--strict]`
 * Settings come from the flags, then `event-bus.config.json` (shared with `check`), then the defaults.
 * Exit codes: 0 written / up to date, 1 with --check when generated files are stale,
 * 2 when the registry or the config file is invalid (diagnostics on stderr) or unreadable,
 * 3 failure (mapped in cli/plumbing.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { isEventBusError } from '../../runtime/errors.js';
import { InputError, processIo, runVerb, UsageError, verbAction, type CommandIo, type VerbResult } from '../plumbing.js';
import {
  DEFAULT_INPUT,
  DEFAULT_OUT,
  DEFAULT_RUNTIME_IMPORT,
  RegistryError,
  formatDiagnostic,
  generate,
} from '../../generator/index.js';
import { PROJECT_CONFIG_FILE, ProjectConfigError, resolveProjectSettings } from '../project-config.js';

export const FLAG_INPUT = '--input <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_CHECK = '--check';
export const FLAG_RUNTIME_IMPORT = '--runtime-import <specifier>';
export const FLAG_NO_RUNTIME_CLASSES = '--no-runtime-classes';
export const FLAG_NO_AVRO = '--no-avro';
export const FLAG_STRICT = '--strict';
export const FLAG_CONFIG = '--config <file>';

/** Undefined = not given: the config file or the default decides. */
export interface GenerateFlags {
  config?: string;
  input?: string;
  out?: string;
  check?: boolean;
  runtimeImport?: string;
  runtimeClasses?: boolean;
  avro?: boolean;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Generate the typed SDK (types, validators, catalog, facades) from the AsyncAPI registry')
    .option(FLAG_CONFIG, `settings shared with \`check\` (default: ./${PROJECT_CONFIG_FILE} when present)`)
    .option(FLAG_INPUT, `AsyncAPI document of the registry (default: ${DEFAULT_INPUT})`)
    .option(FLAG_OUT, `output directory (default: ${DEFAULT_OUT})`)
    .option(FLAG_CHECK, 'write nothing; exit 1 listing stale, missing or extra files')
    .option(
      FLAG_RUNTIME_IMPORT,
      `module the generated code imports the runtime from (e.g. '@clone/event-bus/runtime'; default: ${DEFAULT_RUNTIME_IMPORT})`,
    )
    .option(
      FLAG_NO_RUNTIME_CLASSES,
      'do not emit EventPublisher/EventSubscriber bound to the catalog (for runtimes without those classes)',
    )
    .option(
      FLAG_NO_AVRO,
      'do not convert payload schemas to Pub/Sub Avro schemas (registries without schema-bound topics)',
    )
    .option(FLAG_STRICT, 'ajv strict-mode findings in payload schemas are errors, not warnings')
    .action(
      verbAction('generate', (flags: GenerateFlags, command: Command) => {
        // `--no-x` options default to true: only a flag actually given overrides the config file.
        const given = (name: 'avro' | 'runtimeClasses') => (command.getOptionValueSource(name) === 'cli' ? flags[name] : undefined);
        return generateVerb({ ...flags, avro: given('avro'), runtimeClasses: given('runtimeClasses') });
      }),
    );
}

/** `generate` with its exit code, for callers outside the command tree (tests). */
export function run(flags: GenerateFlags, io: CommandIo = processIo): Promise<number> {
  return runVerb('generate', () => generateVerb(flags, io), io);
}

/** The verb: writes (or with --check compares) generated/; findings = stale files under --check. */
export async function generateVerb(flags: GenerateFlags, io: CommandIo = processIo): Promise<VerbResult> {
  try {
    const settings = resolveProjectSettings({
      ...(flags.config !== undefined && { config: flags.config }),
      ...(flags.input !== undefined && { registry: flags.input }),
      ...(flags.out !== undefined && { out: flags.out }),
      ...(flags.runtimeImport !== undefined && { runtimeImport: flags.runtimeImport }),
      ...(flags.avro !== undefined && { avro: flags.avro }),
      ...(flags.runtimeClasses !== undefined && { runtimeClasses: flags.runtimeClasses }),
    });
    const out = flags.out ?? (path.relative(process.cwd(), settings.out).split(path.sep).join('/') || '.');
    const result = await generate({
      input: settings.registry,
      out: settings.out,
      check: flags.check === true,
      runtimeImport: settings.runtimeImport,
      bindRuntimeClasses: settings.runtimeClasses,
      avro: settings.avro,
      strict: flags.strict === true,
    });
    for (const warning of result.warnings) io.stderr(`${formatDiagnostic(warning)}\n`);
    if (flags.check) {
      if (result.stale.length === 0) {
        io.stdout(`${out}: up to date (${result.files.length} files)\n`);
        return { findings: 0 };
      }
      for (const file of result.stale) io.stdout(`${out}/${file}: stale\n`);
      io.stdout(`${result.stale.length} stale file(s); run \`event-bus generate\`\n`);
      return { findings: result.stale.length };
    }
    for (const file of result.written) io.stdout(`wrote ${out}/${file}\n`);
    for (const file of result.stale) io.stdout(`removed ${out}/${file}\n`);
    io.stdout(`${out}: ${result.files.length} files, ${result.written.length} changed\n`);
    return { findings: 0 };
  } catch (error) {
    if (error instanceof ProjectConfigError) throw new UsageError(error.message);
    if (error instanceof RegistryError) {
      for (const diagnostic of error.diagnostics) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
      const count = error.diagnostics.length;
      throw new UsageError(`${error.file}: ${count} problem${count === 1 ? '' : 's'} in the registry; nothing generated`);
    }
    // Generator and Avro conversion errors name the schema file and JSON pointer: the registry is the input.
    if (isEventBusError(error) && error.code !== 'INTERNAL') throw new InputError(error);
    throw error;
  }
}
