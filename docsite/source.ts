/**
 * Reads the registry into the catalog's model. This is the catalog's only contact with the
 * registry: it goes through the one registry reader (behind the hostile-input guard), the
 * differ (changelogs) and the Avro converter, so the pages show exactly what `generate` and
 * `check` see.
 */
import path from 'node:path';
import { buildModel, guardRegistry } from '../generator/index.js';
import { avroVersionExtension } from '../generator/avro/index.js';
import { diffSchemaFiles, MODES, POLICIES, type CompatibilityMode, type Policy } from '../compat/diff/index.js';
import { loadRegistry, type RegistryModel } from '../registry/index.js';
import type { EventModel, OperationModel } from '../registry/model.js';
import { DEFAULT_SUBSCRIPTION_PREFIX } from '../runtime/defaults.js';
import { subscriptionIdFor } from '../runtime/config.js';
import { flattenFields, type RefResolver } from './fields.js';
import type { DocsChangelog, DocsEvent, DocsOperation, DocsSiteModel, DocsVersion } from './model.js';

/** The differ's rule ids for changes that only touch documentation (compat/diff/rules.ts). */
const METADATA_RULES = new Set(['ID_CHANGED', 'DESCRIPTION_CHANGED', 'TITLE_CHANGED', 'DEFAULT_CHANGED', 'EXAMPLES_CHANGED', 'COMMENT_CHANGED']);

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function loadDocsModel(input: string): Promise<DocsSiteModel> {
  guardRegistry(input);
  const registry = await loadRegistry({ file: input });
  const avro = avroSchemasOf(registry);
  const resolve: RefResolver = (fromFile, ref) => {
    const target = registry.store.resolve(fromFile, ref, '');
    return { file: target.file, key: target.key, schema: target.schema };
  };
  const slugs = new Set<string>();
  const events = registry.events.map((event): DocsEvent => {
    const compatibility = compatibilityOf(event);
    const operations = registry.operations.filter((operation) => operation.eventTypes.includes(event.eventType));
    const producers = operations.filter((operation) => operation.action === 'send').map(docsOperation);
    const consumers = operations.filter((operation) => operation.action === 'receive').map(docsOperation);
    const versions = event.versions.map((version, index): DocsVersion => {
      const previous = index > 0 ? event.versions[index - 1] : undefined;
      const avroSchema = avro.get(`${event.eventType}@${version.version}`);
      return {
        version: version.version,
        schemaFile: version.payload.schemaFile,
        schemaId: version.payload.schemaId,
        ...(version.description !== undefined && { description: version.description }),
        deprecated: version.deprecated,
        fields: flattenFields(version.payload.schema, version.payload.file, resolve),
        examples: version.examples,
        ...(avroSchema !== undefined && { avroSchema }),
        ...(previous &&
          previous.payload.form === 'file' &&
          version.payload.form === 'file' && {
            changelog: changelogOf(previous.payload.file, version.payload.file, previous.version, version.version, compatibility),
          }),
      };
    });
    return {
      eventType: event.eventType,
      slug: uniqueSlug(event.eventType, slugs),
      ...(event.title !== undefined && { title: event.title }),
      ...(event.description !== undefined && { description: event.description }),
      aggregateType: event.aggregateType,
      topic: event.topic,
      ordered: event.orderingKey !== null,
      payloadEncoding: event.payloadEncoding,
      compatibility,
      producers,
      consumers,
      subscriptions: consumers
        .flatMap((operation) => operation.services)
        .sort(compare)
        .map((service) => subscriptionIdFor(DEFAULT_SUBSCRIPTION_PREFIX, event.eventType, service)),
      currentVersion: event.currentVersion,
      versions,
    };
  });
  const services = [...new Set(events.flatMap((event) => [...event.producers, ...event.consumers].flatMap((op) => op.services)))].sort(compare);
  return { title: registry.title, version: registry.version, ...registryDescription(registry), events, services };
}

function registryDescription(registry: RegistryModel): { description?: string } {
  const document = registry.store.load(registry.file) as { info?: { description?: unknown } } | undefined;
  const description = document?.info?.description;
  return typeof description === 'string' ? { description: description.trim() } : {};
}

function docsOperation(operation: OperationModel): DocsOperation {
  return {
    id: operation.id,
    action: operation.action,
    ...(operation.title !== undefined && { title: operation.title }),
    services: [...operation.parties].sort(compare),
  };
}

function compatibilityOf(event: EventModel): DocsEvent['compatibility'] {
  const { mode, policy, reason } = event.compatibility;
  return {
    mode: (MODES as readonly string[]).includes(mode) ? mode : 'BACKWARD',
    policy: (POLICIES as readonly string[]).includes(policy) ? policy : 'STRICT',
    ...(reason !== undefined && { reason }),
  };
}

/** The Pub/Sub Avro schema of every version whose topic is bound to one, as `generate` converts it. */
function avroSchemasOf(registry: RegistryModel): Map<string, unknown> {
  const model = buildModel(registry);
  const toAvro = avroVersionExtension();
  const refs = { rootDir: model.rootDir, loadRef: (uri: string) => model.store.findById(uri) };
  const schemas = new Map<string, unknown>();
  for (const event of model.events) {
    if (!event.pubsubSchema) continue;
    for (const version of event.versions) {
      let avroSchema: unknown;
      try {
        avroSchema = toAvro({ ...version, schema: version.schema }, refs).avroSchema;
      } catch (error) {
        avroSchema = { error: (error as Error).message };
      }
      schemas.set(`${event.eventType}@${version.version}`, avroSchema);
    }
  }
  return schemas;
}

function changelogOf(
  oldFile: string,
  newFile: string,
  from: number,
  to: number,
  compatibility: DocsEvent['compatibility'],
): DocsChangelog {
  const result = diffSchemaFiles(
    path.relative(process.cwd(), oldFile),
    path.relative(process.cwd(), newFile),
    // The changelog reads one step: the transitive modes judge this pair as their plain mode does.
    { mode: compatibility.mode.replace('_TRANSITIVE', '') as CompatibilityMode, policy: compatibility.policy as Policy },
  );
  const seen = new Set<string>();
  const changes = result.findings
    .map((finding) => ({
      rule: finding.rule,
      message: finding.message,
      pointer: finding.pointer,
      compatible: finding.compatible,
      metadata: METADATA_RULES.has(finding.rule),
    }))
    .filter((change) => {
      const key = `${change.rule}\u0000${change.pointer}\u0000${change.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    // Breaking first, then what changes the shape, then documentation; by place within each.
    .sort((a, b) => Number(a.compatible) - Number(b.compatible) || Number(a.metadata) - Number(b.metadata) || compare(a.pointer, b.pointer));
  return { from, to, compatible: result.compatible, changes };
}

/** A file name for the event's page: lower-case letters, digits, '.', '_' and '-' only, unique. */
function uniqueSlug(eventType: string, taken: Set<string>): string {
  const base = eventType.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100) || 'event';
  let slug = base.toLowerCase();
  for (let n = 2; taken.has(slug); n++) slug = `${base.toLowerCase()}-${n}`;
  taken.add(slug);
  return slug;
}
