/**
 * Reads the registry into the catalog's model. This is the catalog's only contact with the
 * registry: it goes through the generator's reader (parse, model), the differ (changelogs) and
 * the Avro converter, so the pages show exactly what `generate` and `check` see.
 */
import path from 'node:path';
import { buildModel, parseRegistry, type EventTypeModel } from '../generator/index.js';
import { avroVersionExtension } from '../generator/avro/index.js';
import { diffSchemaFiles, DEFAULT_MODE, MODES, POLICIES, type CompatibilityMode, type Policy } from '../compat/diff/index.js';
import { DEFAULT_SUBSCRIPTION_PREFIX } from '../runtime/defaults.js';
import { subscriptionIdFor } from '../runtime/config.js';
import { flattenFields, type RefResolver } from './fields.js';
import type { DocsChangelog, DocsEvent, DocsOperation, DocsSiteModel, DocsVersion } from './model.js';

type Raw = Record<string, unknown>;

/** The differ's rule ids for changes that only touch documentation (compat/diff/rules.ts). */
const METADATA_RULES = new Set(['ID_CHANGED', 'DESCRIPTION_CHANGED', 'TITLE_CHANGED', 'DEFAULT_CHANGED', 'EXAMPLES_CHANGED', 'COMMENT_CHANGED']);

const isObject = (value: unknown): value is Raw => value !== null && typeof value === 'object' && !Array.isArray(value);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function loadDocsModel(input: string): Promise<DocsSiteModel> {
  const parsed = await parseRegistry(input);
  const model = buildModel(parsed);
  const raw = isObject(parsed.raw) ? parsed.raw : {};
  const operations = readOperations(raw);
  const toAvro = avroVersionExtension();
  const resolve: RefResolver = (fromFile, ref) => {
    const target = model.store.resolve(fromFile, ref, '');
    return { file: target.file, key: target.key, schema: target.schema };
  };
  const slugs = new Set<string>();
  const events = model.events.map((event): DocsEvent => {
    const channel = channelOf(raw, event.channelId);
    const compatibility = compatibilityOf(event, channel);
    const producers = operations.filter((operation) => operation.channelId === event.channelId && operation.action === 'send');
    const consumers = operations.filter((operation) => operation.channelId === event.channelId && operation.action === 'receive');
    const versions = event.versions.map((version, index): DocsVersion => {
      const previous = index > 0 ? event.versions[index - 1] : undefined;
      return {
        version: version.version,
        schemaFile: version.schemaFile,
        schemaId: version.schemaId,
        ...(version.description !== undefined && { description: version.description }),
        deprecated: version.deprecated,
        fields: flattenFields(version.schema, version.schemaPath, resolve),
        examples: version.examples,
        ...(event.payloadEncoding !== 'json' && { avroSchema: avroOf(() => toAvro(version, model)) }),
        ...(previous && { changelog: changelogOf(previous.schemaPath, version.schemaPath, previous.version, version.version, compatibility) }),
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
      producers: producers.map(({ channelId: _channel, ...operation }) => operation),
      consumers: consumers.map(({ channelId: _channel, ...operation }) => operation),
      subscriptions: consumers
        .flatMap((operation) => operation.services)
        .sort(compare)
        .map((service) => subscriptionIdFor(DEFAULT_SUBSCRIPTION_PREFIX, event.eventType, service)),
      currentVersion: event.currentVersion,
      versions,
    };
  });
  const services = [...new Set(operations.flatMap((operation) => operation.services))].sort(compare);
  return {
    title: model.title,
    version: model.version,
    ...(typeof (raw.info as Raw | undefined)?.description === 'string' && { description: String((raw.info as Raw).description).trim() }),
    events,
    services,
  };
}

function channelOf(raw: Raw, channelId: string): Raw {
  const channels = isObject(raw.channels) ? raw.channels : {};
  const channel = channels[channelId];
  return isObject(channel) ? channel : {};
}

function compatibilityOf(event: EventTypeModel, channel: Raw): DocsEvent['compatibility'] {
  const mode = (MODES as readonly string[]).includes(event.compatibility ?? '') ? (event.compatibility as string) : DEFAULT_MODE;
  const policyRaw = channel['x-compatibility-policy'];
  const policy = typeof policyRaw === 'string' && (POLICIES as readonly string[]).includes(policyRaw) ? policyRaw : 'STRICT';
  const reason = channel['x-compatibility-reason'];
  return { mode, policy, ...(typeof reason === 'string' && { reason }) };
}

interface ChannelOperation extends DocsOperation {
  channelId: string;
}

function readOperations(raw: Raw): ChannelOperation[] {
  const operations = isObject(raw.operations) ? raw.operations : {};
  const found: ChannelOperation[] = [];
  for (const id of Object.keys(operations).sort(compare)) {
    const operation = operations[id];
    if (!isObject(operation) || (operation.action !== 'send' && operation.action !== 'receive')) continue;
    const ref = isObject(operation.channel) ? operation.channel.$ref : undefined;
    if (typeof ref !== 'string' || !ref.startsWith('#/channels/')) continue;
    const channelId = decodeURIComponent(ref.slice('#/channels/'.length)).replace(/~1/g, '/').replace(/~0/g, '~');
    const listed = operation[operation.action === 'send' ? 'x-producers' : 'x-consumers'];
    const services = Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string').sort(compare) : [id];
    found.push({
      id,
      action: operation.action,
      ...(typeof operation.title === 'string' && { title: operation.title }),
      services,
      channelId,
    });
  }
  return found;
}

function avroOf(convert: () => { avroSchema: unknown }): unknown {
  try {
    return convert().avroSchema;
  } catch (error) {
    return { error: (error as Error).message };
  }
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
