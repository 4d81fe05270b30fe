/**
 * `event-bus diff <old.json> <new.json>`: every difference between two JSON Schemas as a finding,
 * judged under a compatibility mode and policy. Exit 0 compatible, 1 not, 2 unreadable input.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  diffSchemaFiles,
  MODES,
  POLICIES,
  DEFAULT_MODE,
  type CompatibilityMode,
  type Policy,
} from '../../compat/diff/index.js';
import { isCompatInputError } from '../../compat/errors.js';
import { formatFindings, type OutputFormat } from '../../compat/findings.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

export const FLAG_MODE = '--mode <mode>';
export const FLAG_POLICY = '--policy <policy>';
export const FLAG_FORMAT = '--format <format>';

export interface DiffFlags {
  oldFile: string;
  newFile: string;
  mode: CompatibilityMode;
  policy: Policy;
  format: Exclude<OutputFormat, 'github'> | 'github';
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

export function runDiff(flags: DiffFlags, io: CommandIo = processIo): number {
  try {
    const result = diffSchemaFiles(flags.oldFile, flags.newFile, { mode: flags.mode, policy: flags.policy });
    io.stdout(formatFindings(result.findings, flags.format, 'pointer'));
    return result.compatible ? EXIT_OK : EXIT_FINDINGS;
  } catch (error) {
    if (isCompatInputError(error)) {
      io.stderr(`event-bus diff: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command('diff')
    .description('compare two JSON Schemas and report every difference, judged like Confluent Schema Registry')
    .argument('<old>', 'the schema consumers already know')
    .argument('<new>', 'the proposed schema')
    .addOption(
      new Option(FLAG_MODE, `compatibility mode: ${MODES.join(', ')}`).argParser(oneOf(MODES)).default(DEFAULT_MODE),
    )
    .addOption(
      new Option(
        FLAG_POLICY,
        'STRICT follows Confluent; LENIENT, as in Confluent, also accepts content-model changes (properties added to open or removed from closed objects, narrowed additional/unevaluatedProperties)',
      )
        .argParser(oneOf(POLICIES))
        .default('STRICT'),
    )
    .addOption(new Option(FLAG_FORMAT, 'output format').choices(['text', 'json', 'github']).default('text'))
    .action((oldFile: string, newFile: string, options: { mode: string; policy: string; format: string }) => {
      process.exitCode = runDiff({
        oldFile,
        newFile,
        mode: options.mode as CompatibilityMode,
        policy: options.policy as Policy,
        format: options.format as OutputFormat,
      });
    });
}

/** Modes and policies are accepted in either case (`--mode full_transitive`, `--policy LENIENT`). */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}.`);
    return upper;
  };
}
