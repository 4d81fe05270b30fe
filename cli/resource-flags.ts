/**
 * Flags and output shared by the Pub/Sub resource verbs (`infra`, `schemas`): registry, project,
 * prefix, config file, format; plan and apply rendering (text, json, GitHub annotations).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  formatResourcePlanText,
  resourcePlanToJson,
  InfraConfigError,
  type InfraConfigInput,
  type ResourcePlan,
  type ResourcePlanAction,
} from '../ops/infra/index.js';
import { addFormatOption, addProjectOption, FLAG_CHECK, FLAG_FORMAT, FLAG_PROJECT, OUTPUT_FORMATS, type OutputFormat } from './flags.js';
import { UsageError } from './plumbing.js';
import { implicitProjectSettings, PROJECT_CONFIG_FILE, ProjectConfigError, type ProjectSettings } from './project-config.js';

export { FLAG_CHECK, FLAG_FORMAT, FLAG_PROJECT, type OutputFormat };
export const FLAG_REGISTRY = '--registry <file>';
export const FLAG_TOPIC_PREFIX = '--topic-prefix <prefix>';

/** Flags every resource verb (`infra`, `schemas`) shares. */
export interface CommonResourceFlags {
  /** Undefined: the registry `event-bus.config.json` names, else asyncapi.yaml. */
  registry?: string;
  project?: string;
  topicPrefix?: string;
  config?: string;
  format: OutputFormat;
  verbose?: boolean;
}

export function addCommonResourceOptions(command: Command): Command {
  return addFormatOption(
    addProjectOption(
      command.option(FLAG_REGISTRY, `AsyncAPI registry file, any name (default: the registry ./${PROJECT_CONFIG_FILE} names, else asyncapi.yaml)`),
    ),
    OUTPUT_FORMATS,
  )
    .option(FLAG_TOPIC_PREFIX, 'topic and schema id prefix (default: EVENT_BUS_TOPIC_PREFIX or clone)')
    .option('--config <file>', 'JSON file with provisioning options (InfraConfig fields, e.g. consumers)')
    .option('--verbose', 'also list resources that need no change');
}

/** `event-bus.config.json` in the working directory (decision 0092), as a usage error when it is invalid. */
export function projectSettings(): ProjectSettings {
  try {
    return implicitProjectSettings();
  } catch (error) {
    if (error instanceof ProjectConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** The registry document a resource verb reads: `--registry`, else the project config's, else asyncapi.yaml. */
export function registryFileFor(flags: Pick<CommonResourceFlags, 'registry'>): string {
  return flags.registry ?? projectSettings().registry;
}

/** JSON config file < flags; the environment and defaults fill in the rest (resolveInfraConfig). */
export async function readConfigInput(flags: CommonResourceFlags): Promise<InfraConfigInput> {
  if (!flags.config) return {};
  try {
    return JSON.parse(await readFile(flags.config, 'utf8')) as InfraConfigInput;
  } catch (error) {
    throw new InfraConfigError(`cannot read config ${flags.config}: ${(error as Error).message}`);
  }
}

/** `::warning` annotations for GitHub Actions, one per pending action. */
export function formatGithub(plan: ResourcePlan): string {
  const escape = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const lines = plan.actions
    .filter((action) => action.kind !== 'no-op')
    .map((action) => {
      const details = action.changes.map(
        (change) => `${change.field}: ${JSON.stringify(change.live)} -> ${JSON.stringify(change.desired)}`,
      );
      const level = action.drift ? 'error' : 'warning';
      return `::${level} title=${plan.scope} ${action.kind}::${escape([action.description, ...details].join('\n'))}`;
    });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function renderPlan(plan: ResourcePlan, flags: CommonResourceFlags): string {
  if (flags.format === 'json') return `${JSON.stringify(resourcePlanToJson(plan), null, 2)}\n`;
  if (flags.format === 'github') return formatGithub(plan) + formatResourcePlanText(plan, { verbose: !!flags.verbose });
  return formatResourcePlanText(plan, { verbose: !!flags.verbose });
}

export function renderApply(
  result: { plan: ResourcePlan; applied: readonly ResourcePlanAction[]; skipped: readonly ResourcePlanAction[] },
  flags: CommonResourceFlags,
): string {
  if (flags.format === 'json') {
    return `${JSON.stringify({ ...resourcePlanToJson(result.plan), applied: result.applied, skipped: result.skipped }, null, 2)}\n`;
  }
  const lines = [renderPlan(result.plan, flags).trimEnd()];
  lines.push(`Applied ${result.applied.length} change(s).`);
  for (const action of result.skipped) {
    lines.push(`Skipped: ${action.description}${action.blockedReason ? ` (${action.blockedReason})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

