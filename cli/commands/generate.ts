/**
 * `event-bus generate [--config file] [--input asyncapi.yaml] [--out generated] [--check] [--runtime-import spec]`
 * Settings come from the flags, then `event-bus.config.json` (shared with `check`), then the defaults.
 * Exit codes: 0 written / up to date, 1 with --check when generated files are stale,
 * 2 when the registry is invalid (parser diagnostics on stderr) or unreadable.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import {
  DEFAULT_INPUT,
  DEFAULT_OUT,
  DEFAULT_RUNTIME_IMPORT,
  GeneratorError,
  RegistryParseError,
  formatDiagnostic,
  generate,
} from '../../generator/index.js';
import { isEventBusError } from '../../runtime/errors.js';
import { PROJECT_CONFIG_FILE, ProjectConfigError, resolveProjectSettings } from '../project-config.js';

export const FLAG_INPUT = '--input <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_CHECK = '--check';
export const FLAG_RUNTIME_IMPORT = '--runtime-import <specifier>';
export const FLAG_NO_RUNTIME_CLASSES = '--no-runtime-classes';
export const FLAG_NO_AVRO = '--no-avro';
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
    .action(async (flags: GenerateFlags, command: Command) => {
      // `--no-x` options default to true: only a flag actually given overrides the config file.
      const given = (name: 'avro' | 'runtimeClasses') => (command.getOptionValueSource(name) === 'cli' ? flags[name] : undefined);
      process.exitCode = await run({ ...flags, avro: given('avro'), runtimeClasses: given('runtimeClasses') });
    });
}

export async function run(flags: GenerateFlags): Promise<number> {
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
    });
    if (flags.check) {
      if (result.stale.length === 0) {
        process.stdout.write(`${out}: up to date (${result.files.length} files)\n`);
        return EXIT_OK;
      }
      for (const file of result.stale) process.stdout.write(`${out}/${file}: stale\n`);
      process.stdout.write(`${result.stale.length} stale file(s); run \`event-bus generate\`\n`);
      return EXIT_FINDINGS;
    }
    for (const file of result.written) process.stdout.write(`wrote ${out}/${file}\n`);
    for (const file of result.stale) process.stdout.write(`removed ${out}/${file}\n`);
    process.stdout.write(`${out}: ${result.files.length} files, ${result.written.length} changed\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ProjectConfigError) {
      process.stderr.write(`event-bus: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof RegistryParseError) {
      for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
      process.stderr.write(`event-bus: ${error.file} is not a valid AsyncAPI document\n`);
      return EXIT_USAGE;
    }
    // Generator errors and Avro conversion errors name the schema file and JSON pointer.
    if (error instanceof GeneratorError || isEventBusError(error)) {
      process.stderr.write(`event-bus: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
