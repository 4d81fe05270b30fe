/**
 * `event-bus infra plan|apply`: topics, subscriptions and dead-letter topics from the registry.
 * Exit codes: 0 nothing to do / applied; 1 drift (plan --check with pending changes, or apply
 * leaving blocked recreations); 2 usage or unreadable input (stderr).
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes.js';
import { DEFAULT_RETRY_POLICY } from '../../runtime/defaults.js';
import {
  applyInfra,
  formatResourcePlanText,
  planHasChanges,
  planInfra,
  readRegistryTopology,
  resolveInfraConfig,
  resourcePlanToJson,
  InfraConfigError,
  type ApplyInfraResult,
  type InfraConfig,
  type InfraConfigInput,
  type ResourcePlan,
  type ResourcePlanAction,
} from '../../ops/infra/index.js';

export const FLAG_REGISTRY = '--registry <file>';
export const FLAG_PROJECT = '--project <id>';
export const FLAG_TOPIC_PREFIX = '--topic-prefix <prefix>';
export const FLAG_FORMAT = '--format <format>';
export const FLAG_CHECK = '--check';

export type OutputFormat = 'text' | 'json' | 'github';

/** Flags every resource verb (`infra`, `schemas`) shares. */
export interface CommonResourceFlags {
  registry: string;
  project?: string;
  topicPrefix?: string;
  config?: string;
  format: OutputFormat;
  verbose?: boolean;
}

interface InfraFlags extends CommonResourceFlags {
  subscriptionPrefix?: string;
  deadLetterTopic?: string;
  maxDeliveryAttempts?: number;
  ackDeadline?: number;
  minBackoff?: number;
  maxBackoff?: number;
  eventStoreTopic?: string;
  replayTopic?: string;
  replaySubscription?: string;
  noOrdering?: boolean;
  check?: boolean;
  allowRecreate?: boolean;
}

const integer =
  (name: string) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) throw new InfraConfigError(`${name} must be an integer, got '${value}'`);
    return parsed;
  };

export function addCommonResourceOptions(command: Command): Command {
  return command
    .option(FLAG_REGISTRY, 'AsyncAPI registry file', 'asyncapi.yaml')
    .option(FLAG_PROJECT, 'GCP project id (default: GCP_PROJECT_ID)')
    .option(FLAG_TOPIC_PREFIX, 'topic and schema id prefix (default: EVENT_BUS_TOPIC_PREFIX or clone)')
    .option('--config <file>', 'JSON file with provisioning options (InfraConfig fields, e.g. consumers)')
    .addOption(new Option(FLAG_FORMAT, 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--verbose', 'also list resources that need no change');
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

function infraConfig(flags: InfraFlags, fromFile: InfraConfigInput): InfraConfig {
  const retryPolicy =
    flags.minBackoff !== undefined || flags.maxBackoff !== undefined || fromFile.retryPolicy
      ? {
          ...DEFAULT_RETRY_POLICY,
          ...fromFile.retryPolicy,
          ...(flags.minBackoff !== undefined && { minimumBackoffSeconds: flags.minBackoff }),
          ...(flags.maxBackoff !== undefined && { maximumBackoffSeconds: flags.maxBackoff }),
        }
      : undefined;
  const defined = <T extends object>(value: T): Partial<T> =>
    Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
  return resolveInfraConfig({
    ...fromFile,
    ...defined({
      projectId: flags.project,
      topicPrefix: flags.topicPrefix,
      subscriptionPrefix: flags.subscriptionPrefix,
      deadLetterTopic: flags.deadLetterTopic,
      maxDeliveryAttempts: flags.maxDeliveryAttempts,
      ackDeadlineSeconds: flags.ackDeadline,
      eventStoreTopic: flags.eventStoreTopic,
      replayTopic: flags.replayTopic,
      replaySubscription: flags.replaySubscription,
      retryPolicy,
      enableOrdering: flags.noOrdering ? false : undefined,
    }),
  });
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

function addInfraOptions(command: Command): Command {
  return addCommonResourceOptions(command)
    .option(
      '--subscription-prefix <prefix>',
      'subscription id prefix (default: EVENT_BUS_SUBSCRIPTION_PREFIX or clone-sub)',
    )
    .option('--dead-letter-topic <id>', 'dead-letter topic id (default: DEAD_LETTER_TOPIC or clone-dead-letter)')
    .option(
      '--max-delivery-attempts <n>',
      'deliveries before dead-lettering (5-100)',
      integer('--max-delivery-attempts'),
    )
    .option('--ack-deadline <seconds>', 'subscription ack deadline (10-600)', integer('--ack-deadline'))
    .option('--min-backoff <seconds>', 'retry policy minimum backoff', integer('--min-backoff'))
    .option('--max-backoff <seconds>', 'retry policy maximum backoff', integer('--max-backoff'))
    .option('--event-store-topic <id>', 'event-store topic id (default: EVENT_STORE_TOPIC or clone-event-store)')
    .option('--replay-topic <id>', 'replay topic id')
    .option('--replay-subscription <id>', 'replay subscription id')
    .option('--no-ordering', 'never enable message ordering on subscriptions');
}

export function register(program: Command): void {
  const infra = program
    .command('infra')
    .description('Provision Pub/Sub topics, subscriptions and dead-letter topics from the registry');

  addInfraOptions(infra.command('plan'))
    .description('Show what apply would create or change, and drift from the registry')
    .option(FLAG_CHECK, 'exit 1 when anything differs from the registry (for CI)')
    .action(async (flags: InfraFlags & { ordering?: boolean }) => {
      const config = infraConfig(withOrdering(flags), await readConfigInput(flags));
      const topology = await readRegistryTopology(flags.registry);
      const plan = await planInfra({ topology, config });
      process.stdout.write(renderPlan(plan, flags));
      process.exitCode = flags.check && planHasChanges(plan) ? EXIT_FINDINGS : EXIT_OK;
    });

  addInfraOptions(infra.command('apply'))
    .description('Create and update resources so they match the registry (idempotent)')
    .option(
      '--allow-recreate',
      'delete and recreate subscriptions whose immutable settings drifted (loses unacked messages)',
    )
    .action(async (flags: InfraFlags & { ordering?: boolean }) => {
      const config = infraConfig(withOrdering(flags), await readConfigInput(flags));
      const topology = await readRegistryTopology(flags.registry);
      const result: ApplyInfraResult = await applyInfra({ topology, config, allowRecreate: !!flags.allowRecreate });
      process.stdout.write(renderApply(result, flags));
      process.exitCode = result.skipped.some((action) => action.kind === 'recreate') ? EXIT_FINDINGS : EXIT_OK;
    });
}

/** commander turns `--no-ordering` into `ordering: false`. */
function withOrdering(flags: InfraFlags & { ordering?: boolean }): InfraFlags {
  return { ...flags, noOrdering: flags.ordering === false };
}
