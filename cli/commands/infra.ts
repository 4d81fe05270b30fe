/**
 * `event-bus infra plan|apply`: topics, subscriptions and dead-letter topics from the registry.
 * Exit codes: 0 nothing to do / applied; 1 drift (plan --check with pending changes, or apply
 * leaving blocked recreations); 2 usage or unreadable input; 3 failure, e.g. Pub/Sub unreachable
 * (stderr; mapped in cli/plumbing.ts).
 */
import type { Command } from 'commander';
import { DEFAULT_RETRY_POLICY } from '../../runtime/defaults.js';
import {
  applyInfra,
  planHasChanges,
  planInfra,
  readRegistryTopology,
  resolveInfraConfig,
  InfraConfigError,
  type ApplyInfraResult,
  type InfraConfig,
  type InfraConfigInput,
} from '../../ops/infra/index.js';
import { verbAction } from '../plumbing.js';
import {
  addCommonResourceOptions,
  FLAG_CHECK,
  readConfigInput,
  registryFileFor,
  renderApply,
  renderPlan,
  type CommonResourceFlags,
} from '../resource-flags.js';

export { addCommonResourceOptions, readConfigInput, renderApply, renderPlan, type CommonResourceFlags };

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
    .action(
      verbAction('infra plan', async (flags: InfraFlags & { ordering?: boolean }) => {
        const config = infraConfig(withOrdering(flags), await readConfigInput(flags));
        const topology = await readRegistryTopology(registryFileFor(flags));
        const plan = await planInfra({ topology, config });
        process.stdout.write(renderPlan(plan, flags));
        const pending = plan.actions.filter((action) => action.kind !== 'no-op').length;
        return { findings: flags.check && planHasChanges(plan) ? Math.max(1, pending) : 0 };
      }),
    );

  addInfraOptions(infra.command('apply'))
    .description('Create and update resources so they match the registry (idempotent)')
    .option(
      '--allow-recreate',
      'delete and recreate subscriptions whose immutable settings drifted (loses unacked messages)',
    )
    .action(
      verbAction('infra apply', async (flags: InfraFlags & { ordering?: boolean }) => {
        const config = infraConfig(withOrdering(flags), await readConfigInput(flags));
        const topology = await readRegistryTopology(registryFileFor(flags));
        const result: ApplyInfraResult = await applyInfra({ topology, config, allowRecreate: !!flags.allowRecreate });
        process.stdout.write(renderApply(result, flags));
        return { findings: result.skipped.filter((action) => action.kind === 'recreate').length };
      }),
    );
}

/** commander turns `--no-ordering` into `ordering: false`. */
function withOrdering(flags: InfraFlags & { ordering?: boolean }): InfraFlags {
  return { ...flags, noOrdering: flags.ordering === false };
}
