/**
 * The one plan shape shared by provisioning (`infra`) and schema sync (`schemas`): a list of
 * actions, each on one resource, with the field-level differences that motivate it.
 * `plan` computes it from desired vs. live state; `apply` executes it; an empty plan (only
 * no-ops) means live state matches the registry.
 */

export type ResourcePlanScope = 'infra' | 'schemas';

export type ResourceKind = 'topic' | 'subscription' | 'schema' | 'schema-revision' | 'topic-schema';

export type ResourcePlanActionKind =
  /** The resource is missing: create it. */
  | 'create'
  /** The resource exists with different mutable settings: update it in place. */
  | 'update'
  /** A new schema revision (one event version). */
  | 'commit'
  /** Remove something (a schema revision that matches no registry version, or a retired one). */
  | 'delete'
  /** An immutable setting differs: only deleting and recreating fixes it; never done silently. */
  | 'recreate'
  /** A resource we manage (labelled by us) that the registry no longer describes: reported only. */
  | 'orphan'
  /** Live matches desired. */
  | 'no-op';

export interface FieldChange {
  /** Dotted path of the setting, e.g. 'retryPolicy.minimumBackoff'. */
  readonly field: string;
  readonly live: unknown;
  readonly desired: unknown;
}

export interface ResourcePlanAction {
  readonly kind: ResourcePlanActionKind;
  readonly resource: ResourceKind;
  /** Resource id (schema revisions: `schemaId@revisionId`, or `schemaId@v<n>` before commit). */
  readonly id: string;
  /** One line for people, e.g. 'commit revision for user.created v2'. */
  readonly description: string;
  readonly changes: readonly FieldChange[];
  /** True when an existing live resource differs from the registry (as opposed to missing). */
  readonly drift: boolean;
  /** Why apply will not perform this action unless explicitly allowed (e.g. --allow-recreate). */
  readonly blockedReason?: string;
  /** Event type the action serves, when there is one. */
  readonly eventType?: string;
}

export interface ResourcePlan {
  readonly scope: ResourcePlanScope;
  readonly projectId: string;
  readonly actions: readonly ResourcePlanAction[];
}

export type ResourcePlanSummary = Record<ResourcePlanActionKind, number>;

export function summarizePlan(plan: ResourcePlan): ResourcePlanSummary {
  const summary: ResourcePlanSummary = {
    create: 0,
    update: 0,
    commit: 0,
    delete: 0,
    recreate: 0,
    orphan: 0,
    'no-op': 0,
  };
  for (const action of plan.actions) summary[action.kind] += 1;
  return summary;
}

/** Actions that change something (or would, if allowed). */
export function pendingActions(plan: ResourcePlan): ResourcePlanAction[] {
  return plan.actions.filter((action) => action.kind !== 'no-op');
}

/** True when live state differs from the registry in any way; `--check` exits 1 on it. */
export function planHasChanges(plan: ResourcePlan): boolean {
  return pendingActions(plan).length > 0;
}

/** Live resources that exist but differ (hand edits, old settings), as opposed to missing ones. */
export function driftActions(plan: ResourcePlan): ResourcePlanAction[] {
  return plan.actions.filter((action) => action.drift);
}

const SYMBOL: Record<ResourcePlanActionKind, string> = {
  create: '+',
  update: '~',
  commit: '+',
  delete: '-',
  recreate: '!',
  orphan: '?',
  'no-op': '=',
};

export function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export interface FormatPlanOptions {
  /** Also list no-op actions. */
  verbose?: boolean;
}

/**
 * Text rendering, one action per line, field changes indented beneath it, and a summary line:
 *   + create topic clone.user.created
 *   ~ update subscription clone-sub.billing.user.created (drift)
 *       retryPolicy.minimumBackoff: 5s -> 10s
 */
export function formatResourcePlanText(plan: ResourcePlan, options: FormatPlanOptions = {}): string {
  const lines: string[] = [];
  for (const action of plan.actions) {
    if (action.kind === 'no-op' && !options.verbose) continue;
    const flags = [action.drift ? 'drift' : '', action.blockedReason ? `blocked: ${action.blockedReason}` : '']
      .filter(Boolean)
      .join('; ');
    lines.push(`${SYMBOL[action.kind]} ${action.description}${flags ? ` (${flags})` : ''}`);
    for (const change of action.changes) {
      lines.push(`    ${change.field}: ${formatValue(change.live)} -> ${formatValue(change.desired)}`);
    }
  }
  const summary = summarizePlan(plan);
  const parts = (Object.keys(summary) as ResourcePlanActionKind[])
    .filter((kind) => summary[kind] > 0)
    .map((kind) => `${summary[kind]} ${kind}`);
  const head = planHasChanges(plan)
    ? `${plan.scope} plan for project ${plan.projectId}:`
    : `${plan.scope}: nothing to do for project ${plan.projectId}`;
  return [head, ...lines, `Summary: ${parts.join(', ') || 'no resources'}`].join('\n') + '\n';
}

export function resourcePlanToJson(plan: ResourcePlan): object {
  return { ...plan, summary: summarizePlan(plan), hasChanges: planHasChanges(plan) };
}
