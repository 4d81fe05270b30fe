/**
 * `event-bus generate [--input asyncapi.yaml] [--out generated] [--check] [--runtime-import spec]`
 * Exit codes: 0 written / up to date, 1 with --check when generated files are stale,
 * 2 when the registry is invalid (parser diagnostics on stderr) or unreadable.
 */
import type { Command } from 'commander';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import {
  DEFAULT_INPUT,
  DEFAULT_OUT,
  DEFAULT_RUNTIME_IMPORT,
  GeneratorError,
  RegistryError,
  formatDiagnostic,
  generate,
} from '../../generator/index.js';
import { isEventBusError } from '../../runtime/errors.js';

export const FLAG_INPUT = '--input <file>';
export const FLAG_OUT = '--out <dir>';
export const FLAG_CHECK = '--check';
export const FLAG_RUNTIME_IMPORT = '--runtime-import <specifier>';
export const FLAG_NO_RUNTIME_CLASSES = '--no-runtime-classes';
export const FLAG_NO_AVRO = '--no-avro';
export const FLAG_STRICT = '--strict';

export interface GenerateFlags {
  input: string;
  out: string;
  check?: boolean;
  runtimeImport: string;
  runtimeClasses: boolean;
  avro?: boolean;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Generate the typed SDK (types, validators, catalog, facades) from the AsyncAPI registry')
    .option(FLAG_INPUT, 'AsyncAPI document of the registry', DEFAULT_INPUT)
    .option(FLAG_OUT, 'output directory', DEFAULT_OUT)
    .option(FLAG_CHECK, 'write nothing; exit 1 listing stale, missing or extra files')
    .option(
      FLAG_RUNTIME_IMPORT,
      "module the generated code imports the runtime from (e.g. '@clone/event-bus/runtime')",
      DEFAULT_RUNTIME_IMPORT,
    )
    .option(
      FLAG_NO_RUNTIME_CLASSES,
      'do not emit EventPublisher/EventSubscriber bound to the catalog (for runtimes without those classes)',
    )
    .option(
      FLAG_NO_AVRO,
      'do not convert payload schemas to Pub/Sub Avro schemas (registries without schema-bound topics)',
    )
    .option(FLAG_STRICT, "ajv strict-mode findings in payload schemas are errors, not warnings")
    .action(async (flags: GenerateFlags) => {
      process.exitCode = await run(flags);
    });
}

export async function run(flags: GenerateFlags): Promise<number> {
  try {
    const result = await generate({
      input: flags.input,
      out: flags.out,
      check: flags.check === true,
      runtimeImport: flags.runtimeImport,
      bindRuntimeClasses: flags.runtimeClasses,
      avro: flags.avro,
      strict: flags.strict === true,
    });
    for (const warning of result.warnings) process.stderr.write(`${formatDiagnostic(warning)}\n`);
    if (flags.check) {
      if (result.stale.length === 0) {
        process.stdout.write(`${flags.out}: up to date (${result.files.length} files)\n`);
        return EXIT_OK;
      }
      for (const file of result.stale) process.stdout.write(`${flags.out}/${file}: stale\n`);
      process.stdout.write(`${result.stale.length} stale file(s); run \`event-bus generate\`\n`);
      return EXIT_FINDINGS;
    }
    for (const file of result.written) process.stdout.write(`wrote ${flags.out}/${file}\n`);
    for (const file of result.stale) process.stdout.write(`removed ${flags.out}/${file}\n`);
    process.stdout.write(`${flags.out}: ${result.files.length} files, ${result.written.length} changed\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof RegistryError) {
      for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
      const count = error.diagnostics.length;
      process.stderr.write(`event-bus: ${error.file}: ${count} problem${count === 1 ? '' : 's'} in the registry; nothing generated\n`);
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
