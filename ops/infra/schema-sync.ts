import type { PubSub } from '@google-cloud/pubsub';
import { checkAvroDefinition, type AvroDefinition, type CheckedAvroDefinition } from './avro-definitions.js';
import { assertRevisionsResolve } from './avro-resolution.js';
import { AvroDefinitionError, InfraConfigError, SchemaRevisionLimitError } from './errors.js';
import { readLiveTopics, type LiveTopic, type LiveTopicSchemaSettings } from './live-state.js';
import type { FieldChange, ResourcePlan, ResourcePlanAction } from './plan.js';
import { GRPC_ALREADY_EXISTS, grpcCode, withPubSub } from './pubsub-client.js';
import type { RegistryTopology } from './registry-topology.js';
import { eventSchemaId, eventTopicId, schemaName } from './resource-names.js';
import { MANAGED_BY_LABEL } from './subscription-settings.js';
import { readLiveSchema, type LiveSchema, type LiveSchemaRevision } from './schema-live-state.js';

/** Pub/Sub keeps at most this many revisions per schema. */
export const MAX_SCHEMA_REVISIONS = 20;

export type SchemaEncoding = 'JSON' | 'BINARY';

export interface SchemaSyncOptions {
  readonly topology: RegistryTopology;
  /** Avro definition of every version in the topology (from the catalog or generated/avro). */
  readonly definitions: readonly AvroDefinition[];
  readonly projectId: string;
  /** Topic and schema ids are `${topicPrefix}.${name}`. */
  readonly topicPrefix: string;
  /** Overrides the registry's `schemaSettings.encoding` (default JSON) for every topic. */
  readonly encoding?: SchemaEncoding;
  /** Overrides `x-min-version` per event type: the oldest version topics still accept. */
  readonly minSupportedVersions?: Readonly<Record<string, number>>;
  /** A client to use (and not close); by default one is created for `projectId`. */
  readonly pubsub?: PubSub;
}

export interface ApplySchemaSyncResult {
  readonly plan: ResourcePlan;
  readonly applied: readonly ResourcePlanAction[];
  readonly skipped: readonly ResourcePlanAction[];
}

/** What the registry wants for one event type. */
export interface DesiredEventSchema {
  readonly eventType: string;
  readonly schemaId: string;
  readonly topicId: string;
  readonly encoding: SchemaEncoding;
  readonly minSupportedVersion: number;
  /** Every version, ascending (retired ones too: their revisions are recognised, not deleted). */
  readonly versions: readonly CheckedAvroDefinition[];
  /** Settings a topic created by sync gets, the same `infra` creates it with (labels, retention, regions). */
  readonly topicCreation: {
    readonly labels: Readonly<Record<string, string>>;
    readonly messageRetentionSeconds?: number;
    readonly allowedPersistenceRegions?: readonly string[];
  };
}

/**
 * Consecutive supported versions with the same Avro definition share one revision (a version
 * that only tightens JSON Schema constraints has nothing new for Avro).
 */
interface RevisionSlot {
  readonly versions: readonly number[];
  readonly definition: CheckedAvroDefinition;
  /** The live revision holding it, or undefined when it must be committed. */
  readonly revision?: LiveSchemaRevision;
}

type Step =
  | { readonly op: 'create-schema'; readonly slot: number }
  | { readonly op: 'commit'; readonly slot: number }
  | { readonly op: 'delete-revision'; readonly revisionId: string; readonly phase: 'before' | 'after' }
  | { readonly op: 'set-topic'; readonly create: boolean };

interface EventSchemaPlan {
  readonly desired: DesiredEventSchema;
  readonly slots: readonly RevisionSlot[];
  readonly actions: readonly ResourcePlanAction[];
  readonly steps: readonly Step[];
}

/** Pure: checks every definition and pairs it with its event type's settings. */
export function desiredEventSchemas(options: Omit<SchemaSyncOptions, 'pubsub' | 'projectId'>): DesiredEventSchema[] {
  const byKey = new Map<string, AvroDefinition>();
  for (const definition of options.definitions) byKey.set(`${definition.eventType}@${definition.version}`, definition);
  return options.topology.events.map((event) => {
    const versions = event.versions.map((version) => {
      const definition = byKey.get(`${event.eventType}@${version}`);
      if (!definition) {
        throw new AvroDefinitionError(
          event.eventType,
          version,
          'no Avro definition was given for this version (run `event-bus generate`)',
        );
      }
      return checkAvroDefinition(definition);
    });
    const minSupportedVersion = options.minSupportedVersions?.[event.eventType] ?? event.minSupportedVersion;
    if (!event.versions.includes(minSupportedVersion)) {
      throw new InfraConfigError(
        `${event.eventType}: minimum supported version ${minSupportedVersion} is not one of its versions (${event.versions.join(', ')})`,
      );
    }
    return {
      eventType: event.eventType,
      schemaId: eventSchemaId(options.topicPrefix, event.schemaName ?? event.eventType),
      topicId: eventTopicId(options.topicPrefix, event.eventType),
      encoding: options.encoding ?? event.schemaEncoding ?? 'JSON',
      minSupportedVersion,
      versions,
      topicCreation: {
        labels: { ...event.labels, ...MANAGED_BY_LABEL },
        ...(event.messageRetentionSeconds !== undefined && { messageRetentionSeconds: event.messageRetentionSeconds }),
        ...(event.allowedPersistenceRegions && { allowedPersistenceRegions: event.allowedPersistenceRegions }),
      },
    };
  });
}

/** Reads live schemas and topics and compares them with the registry; changes nothing. */
export async function planSchemaSync(options: SchemaSyncOptions): Promise<ResourcePlan> {
  const desired = desiredEventSchemas(options);
  return withPubSub(options.projectId, options.pubsub, async (pubsub) => {
    const plans = await planAll(pubsub, options.projectId, desired);
    return toResourcePlan(options.projectId, plans);
  });
}

/** Makes schemas, revisions and topic schema settings match the registry; a second run does nothing. */
export async function applySchemaSync(options: SchemaSyncOptions): Promise<ApplySchemaSyncResult> {
  const desired = desiredEventSchemas(options);
  return withPubSub(options.projectId, options.pubsub, async (pubsub) => {
    const plans = await planAll(pubsub, options.projectId, desired);
    const schemaClient = await pubsub.getSchemaClient();
    const applied: ResourcePlanAction[] = [];
    for (const plan of plans) {
      await executeSteps(pubsub, schemaClient, options.projectId, plan);
      applied.push(...plan.actions.filter((action) => action.kind !== 'no-op'));
    }
    return { plan: toResourcePlan(options.projectId, plans), applied, skipped: [] };
  });
}

async function planAll(
  pubsub: PubSub,
  projectId: string,
  desired: readonly DesiredEventSchema[],
): Promise<EventSchemaPlan[]> {
  const schemaClient = await pubsub.getSchemaClient();
  const topics = await readLiveTopics(pubsub);
  const schemas = await Promise.all(desired.map((event) => readLiveSchema(schemaClient, projectId, event.schemaId)));
  return desired.map((event, index) => diffEventSchema(event, schemas[index] as LiveSchema, topics.get(event.topicId)));
}

function toResourcePlan(projectId: string, plans: readonly EventSchemaPlan[]): ResourcePlan {
  return { scope: 'schemas', projectId, actions: plans.flatMap((plan) => plan.actions) };
}

const versionsLabel = (versions: readonly number[]): string => versions.map((version) => `v${version}`).join('=');

/**
 * Pure: the actions and steps that bring one event type's schema and topic in line.
 *
 * Versions map to revisions by comparing canonical definitions — no state is kept elsewhere.
 * Supported versions must sit in revisions in ascending version order (Pub/Sub's ranges are by
 * creation time); from the first version without a revision after its predecessor's, every
 * later one is committed anew. Revisions matching no registry version (hand edits) are deleted.
 */
export function diffEventSchema(
  desired: DesiredEventSchema,
  live: LiveSchema,
  liveTopic: LiveTopic | undefined,
): EventSchemaPlan {
  const { eventType, schemaId } = desired;
  const supported = desired.versions.filter((version) => version.version >= desired.minSupportedVersion);
  const slotDefinitions: { versions: number[]; definition: CheckedAvroDefinition }[] = [];
  for (const version of supported) {
    const last = slotDefinitions.at(-1);
    if (last && last.definition.canonical === version.canonical) last.versions.push(version.version);
    else slotDefinitions.push({ versions: [version.version], definition: version });
  }

  // Chain: each slot takes the earliest matching revision created after the previous slot's.
  const slots: RevisionSlot[] = [];
  let cursor = -1n;
  let broken = false;
  for (const slot of slotDefinitions) {
    const revision = broken
      ? undefined
      : live.revisions.find(
          (candidate) => candidate.canonical === slot.definition.canonical && candidate.createdAtNanos > cursor,
        );
    if (revision) cursor = revision.createdAtNanos;
    else broken = true;
    slots.push({ ...slot, ...(revision && { revision }) });
  }

  const actions: ResourcePlanAction[] = [];
  const steps: Step[] = [];
  const base = { eventType };
  const firstToCommit = slots.findIndex((slot) => !slot.revision);

  for (let index = Math.max(firstToCommit, 1); firstToCommit !== -1 && index < slots.length; index++) {
    const previous = slots[index - 1] as RevisionSlot;
    assertRevisionsResolve(previous.definition, (slots[index] as RevisionSlot).definition);
  }

  // Revisions outside the chain: hand edits (match no version) are deleted; so are copies of
  // retired versions lying inside the new range, which would let retired publishers through.
  const chainIds = new Set(slots.flatMap((slot) => (slot.revision ? [slot.revision.revisionId] : [])));
  const knownCanonicals = new Map<string, number[]>();
  for (const version of desired.versions) {
    knownCanonicals.set(version.canonical, [...(knownCanonicals.get(version.canonical) ?? []), version.version]);
  }
  const rangeStart = slots[0]?.revision?.createdAtNanos;
  const deletions: { revision: LiveSchemaRevision; reason: string; drift: boolean }[] = [];
  const spare: LiveSchemaRevision[] = [];
  for (const revision of live.revisions) {
    if (chainIds.has(revision.revisionId)) continue;
    const versions = revision.canonical ? knownCanonicals.get(revision.canonical) : undefined;
    if (!versions) {
      deletions.push({ revision, reason: 'matches no registry version (edited by hand?)', drift: true });
    } else if (
      versions.every((version) => version < desired.minSupportedVersion) &&
      rangeStart !== undefined &&
      revision.createdAtNanos > rangeStart
    ) {
      deletions.push({
        revision,
        reason: `holds retired ${versionsLabel(versions)} inside the supported range`,
        drift: true,
      });
    } else {
      spare.push(revision);
    }
  }

  // Pub/Sub refuses a 21st revision: make room by deleting spare revisions (retired versions,
  // duplicates), oldest first, before committing.
  const commits = slots.filter((slot) => !slot.revision).length;
  let total = live.revisions.length - deletions.length + commits;
  const roomFor: typeof deletions = [];
  for (const revision of spare) {
    if (total <= MAX_SCHEMA_REVISIONS) break;
    roomFor.push({
      revision,
      reason: `makes room: Pub/Sub keeps at most ${MAX_SCHEMA_REVISIONS} revisions`,
      drift: false,
    });
    total -= 1;
  }
  if (total > MAX_SCHEMA_REVISIONS) throw new SchemaRevisionLimitError(eventType, slots.length, MAX_SCHEMA_REVISIONS);

  const referencedByTopic = new Set(
    liveTopic?.schemaSettings?.schemaId === schemaId
      ? [liveTopic.schemaSettings.firstRevisionId, liveTopic.schemaSettings.lastRevisionId]
      : [],
  );
  // Deletions go before the commits when the live topic does not reference the revision: on the
  // real service a new revision must resolve against the latest one, which should not be a hand
  // edit. A schema cannot lose its last revision, so one stays until after the commits.
  let remaining = live.revisions.length;
  for (const deletion of [...deletions, ...roomFor]) {
    if (referencedByTopic.has(deletion.revision.revisionId) || remaining <= 1) continue;
    steps.push({ op: 'delete-revision', revisionId: deletion.revision.revisionId, phase: 'before' });
    remaining -= 1;
  }

  if (!live.exists) {
    actions.push({
      ...base,
      kind: 'create',
      resource: 'schema',
      id: schemaId,
      description: `create schema ${schemaId} (AVRO) with ${eventType} ${versionsLabel(slots[0]?.versions ?? [])} as its first revision`,
      changes: [],
      drift: false,
    });
    steps.push({ op: 'create-schema', slot: 0 });
  }
  slots.forEach((slot, index) => {
    if (slot.revision || (!live.exists && index === 0)) return;
    const recommit = live.revisions.some((revision) => revision.canonical === slot.definition.canonical);
    actions.push({
      ...base,
      kind: 'commit',
      resource: 'schema-revision',
      id: `${schemaId}@${versionsLabel(slot.versions)}`,
      description: recommit
        ? `commit revision for ${eventType} ${versionsLabel(slot.versions)} again (its revision is out of version order)`
        : `commit revision for ${eventType} ${versionsLabel(slot.versions)} to schema ${schemaId}`,
      changes: [],
      drift: recommit,
    });
    steps.push(live.exists || index > 0 ? { op: 'commit', slot: index } : { op: 'create-schema', slot: index });
  });

  const topicAction = diffTopicSchemaSettings(desired, slots, liveTopic);
  if (topicAction) {
    actions.push(topicAction);
    steps.push({ op: 'set-topic', create: !liveTopic });
  }

  for (const deletion of [...deletions, ...roomFor]) {
    actions.push({
      ...base,
      kind: 'delete',
      resource: 'schema-revision',
      id: `${schemaId}@${deletion.revision.revisionId}`,
      description: `delete revision ${deletion.revision.revisionId} of schema ${schemaId}: it ${deletion.reason}`,
      changes: [],
      drift: deletion.drift,
    });
    if (!steps.some((step) => step.op === 'delete-revision' && step.revisionId === deletion.revision.revisionId)) {
      steps.push({ op: 'delete-revision', revisionId: deletion.revision.revisionId, phase: 'after' });
    }
  }

  if (actions.length === 0) {
    actions.push({
      ...base,
      kind: 'no-op',
      resource: 'schema',
      id: schemaId,
      description: `schema ${schemaId}: ${slots.map((slot) => `${versionsLabel(slot.versions)}@${slot.revision?.revisionId}`).join(', ')}; topic ${desired.topicId} accepts v${desired.minSupportedVersion}..v${desired.versions.at(-1)?.version} as ${desired.encoding}`,
      changes: [],
      drift: false,
    });
  }
  return { desired, slots, actions, steps };
}

const revisionLabel = (slot: RevisionSlot | undefined): string =>
  slot?.revision
    ? `${slot.revision.revisionId} (${versionsLabel(slot.versions)})`
    : `new revision of ${versionsLabel(slot?.versions ?? [])}`;

function diffTopicSchemaSettings(
  desired: DesiredEventSchema,
  slots: readonly RevisionSlot[],
  liveTopic: LiveTopic | undefined,
): ResourcePlanAction | undefined {
  const first = slots[0];
  const last = slots.at(-1);
  const range = `v${desired.minSupportedVersion}..v${desired.versions.at(-1)?.version}`;
  const base = { eventType: desired.eventType, resource: 'topic-schema' as const, id: desired.topicId };
  if (!liveTopic) {
    return {
      ...base,
      kind: 'create',
      description: `create topic ${desired.topicId} with schema ${desired.schemaId} (${desired.encoding}, ${range})`,
      changes: [],
      drift: false,
    };
  }
  const live: Partial<LiveTopicSchemaSettings> = liveTopic.schemaSettings ?? {};
  const changes: FieldChange[] = [];
  const compare = (field: keyof LiveTopicSchemaSettings, wanted: string | undefined, shown: string): void => {
    if (live[field] !== wanted)
      changes.push({ field: field === 'schemaId' ? 'schema' : field, live: live[field], desired: shown });
  };
  compare('schemaId', desired.schemaId, desired.schemaId);
  compare('encoding', desired.encoding, desired.encoding);
  compare('firstRevisionId', first?.revision?.revisionId, revisionLabel(first));
  compare('lastRevisionId', last?.revision?.revisionId, revisionLabel(last));
  if (changes.length === 0) return undefined;
  const pendingCommit = slots.some((slot) => !slot.revision);
  if (!liveTopic.schemaSettings) {
    return {
      ...base,
      kind: 'update',
      description: `attach schema ${desired.schemaId} to topic ${desired.topicId} (${desired.encoding}, ${range})`,
      changes,
      drift: false,
    };
  }
  const onlyRange = changes.every((change) => change.field.endsWith('RevisionId'));
  return {
    ...base,
    kind: 'update',
    description: onlyRange
      ? `move the revision range of topic ${desired.topicId} to ${range}`
      : `update schema settings of topic ${desired.topicId} (${desired.encoding}, ${range})`,
    changes,
    // A new version widening the range is the registry moving ahead; anything else was changed by hand.
    drift: !(pendingCommit && onlyRange),
  };
}

type SchemaClient = Awaited<ReturnType<PubSub['getSchemaClient']>>;

async function executeSteps(
  pubsub: PubSub,
  schemaClient: SchemaClient,
  projectId: string,
  plan: EventSchemaPlan,
): Promise<void> {
  const { desired } = plan;
  const name = schemaName(projectId, desired.schemaId);
  const revisionIds = plan.slots.map((slot) => slot.revision?.revisionId);
  const ordered = [
    ...plan.steps.filter((step) => step.op === 'delete-revision' && step.phase === 'before'),
    ...plan.steps.filter((step) => step.op === 'create-schema' || step.op === 'commit'),
    ...plan.steps.filter((step) => step.op === 'set-topic'),
    ...plan.steps.filter((step) => step.op === 'delete-revision' && step.phase === 'after'),
  ];
  for (const step of ordered) {
    switch (step.op) {
      case 'create-schema': {
        const slot = plan.slots[step.slot] as RevisionSlot;
        try {
          const [created] = await schemaClient.createSchema({
            parent: `projects/${projectId}`,
            schemaId: desired.schemaId,
            schema: { type: 'AVRO', definition: slot.definition.text },
          });
          revisionIds[step.slot] = created.revisionId ?? undefined;
        } catch (error) {
          // Created meanwhile (a parallel apply): commit instead; the next plan sorts out the rest.
          if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
          const [committed] = await schemaClient.commitSchema({
            name,
            schema: { type: 'AVRO', definition: slot.definition.text },
          });
          revisionIds[step.slot] = committed.revisionId ?? undefined;
        }
        break;
      }
      case 'commit': {
        const slot = plan.slots[step.slot] as RevisionSlot;
        const [committed] = await schemaClient.commitSchema({
          name,
          schema: { type: 'AVRO', definition: slot.definition.text },
        });
        revisionIds[step.slot] = committed.revisionId ?? undefined;
        break;
      }
      case 'set-topic': {
        const schemaSettings = {
          schema: name,
          encoding: desired.encoding,
          firstRevisionId: revisionIds[0] ?? '',
          lastRevisionId: revisionIds.at(-1) ?? '',
        };
        if (step.create) {
          try {
            const creation = desired.topicCreation;
            await pubsub.createTopic({
              name: desired.topicId,
              schemaSettings,
              labels: { ...creation.labels },
              ...(creation.messageRetentionSeconds !== undefined && {
                messageRetentionDuration: { seconds: creation.messageRetentionSeconds, nanos: 0 },
              }),
              ...(creation.allowedPersistenceRegions && {
                messageStoragePolicy: { allowedPersistenceRegions: [...creation.allowedPersistenceRegions] },
              }),
            });
            break;
          } catch (error) {
            if (grpcCode(error) !== GRPC_ALREADY_EXISTS) throw error;
          }
        }
        await pubsub.topic(desired.topicId).setMetadata({ schemaSettings });
        break;
      }
      case 'delete-revision':
        await schemaClient.deleteSchemaRevision({ name: `${name}@${step.revisionId}` });
        break;
    }
  }
}
