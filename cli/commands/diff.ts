/**
 * `event-bus diff <old.json> <new.json>`: every difference between two JSON Schemas as a finding,
 * judged under a compatibility mode and policy. Exit 0 compatible, 1 not, 2 unreadable input,
 * 3 failure (mapped in cli/plumbing.ts).
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
import { formatFindings } from '../../compat/findings.js';
import { addFormatOption, OUTPUT_FORMATS, type OutputFormat } from '../flags.js';
import { processIo, runVerb, verbAction, type CommandIo, type VerbResult } from '../plumbing.js';

export type { CommandIo } from '../plumbing.js';

export const FLAG_MODE = '--mode <mode>';
export const FLAG_POLICY = '--policy <policy>';

export interface DiffFlags {
  oldFile: string;
  newFile: string;
  mode: CompatibilityMode;
  policy: Policy;
  format: OutputFormat;
}

/** The verb: every difference on stdout; findings = the incompatible ones. */
export function diff(flags: DiffFlags, io: CommandIo = processIo): VerbResult {
  const result = diffSchemaFiles(flags.oldFile, flags.newFile, { mode: flags.mode, policy: flags.policy });
  io.stdout(formatFindings(result.findings, flags.format, 'pointer'));
  const incompatible = result.findings.filter((finding) => !finding.compatible).length;
  // No summary line: the differences on stdout are the answer (empty when the schemas are equal).
  return { findings: result.compatible ? 0 : Math.max(1, incompatible) };
}

/** `diff` with its exit code, for callers outside the command tree. */
export function runDiff(flags: DiffFlags, io: CommandIo = processIo): Promise<number> {
  return runVerb('diff', () => diff(flags, io), io);
}

export function register(program: Command): void {
  const command = program
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
    .action(
      verbAction('diff', (oldFile: string, newFile: string, options: { mode: string; policy: string; format: string }) =>
        diff({
          oldFile,
          newFile,
          mode: options.mode as CompatibilityMode,
          policy: options.policy as Policy,
          format: options.format as OutputFormat,
        }),
      ),
    );
  addFormatOption(command, OUTPUT_FORMATS);
}

/** Modes and policies are accepted in either case (`--mode full_transitive`, `--policy LENIENT`). */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    const upper = value.toUpperCase() as T;
    if (!values.includes(upper)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}.`);
    return upper;
  };
}
