/**
 * The part of the registry model that provisioning and schema sync need (topics, their settings
 * from the `googlepubsub` binding, subscriptions from receive operations), read through the one
 * registry reader.
 */
import path from 'node:path';
import { RegistryTopologyError } from '../ops/infra/errors.js';
import { formatDiagnostic, isError, type RegistryDiagnostic } from './diagnostics.js';
import { loadRegistry } from './load.js';
import type { RegistryModel } from './model.js';
import { joinPointer } from './pointer.js';
import { readRegistry } from './read.js';
import { isObject } from './schemas.js';
import { MemorySource, type RegistrySource } from './source.js';

export interface TopologyEvent {
  readonly eventType: string;
  readonly aggregateType: string;
  /** Topic id without the deployment prefix (the event type in this project's registry). */
  readonly topic: string;
  /** True when the channel has an `x-ordering-key`: subscriptions get message ordering. */
  readonly ordered: boolean;
  /** Every version the registry defines, ascending. */
  readonly versions: readonly number[];
  /**
   * Oldest version still published somewhere (`x-min-version` on the channel; default: the
   * oldest version). The topic's schema revision range starts here.
   */
  readonly minSupportedVersion: number;
  /** Topic retention from the googlepubsub binding's `messageRetentionDuration`, in seconds. */
  readonly messageRetentionSeconds?: number;
  /** Topic labels from the googlepubsub binding. */
  readonly labels: Readonly<Record<string, string>>;
  /** `messageStoragePolicy.allowedPersistenceRegions` from the binding. */
  readonly allowedPersistenceRegions?: readonly string[];
  /** Schema encoding from the binding's `schemaSettings.encoding`, when the registry states one. */
  readonly schemaEncoding?: 'JSON' | 'BINARY';
  /** Schema name without prefix from the binding's `schemaSettings.name` (default: the event type). */
  readonly schemaName?: string;
  /** JSON pointer of the channel in the document. */
  readonly pointer: string;
}

/** One receive operation: `consumer` handles `eventType`. */
export interface TopologyReceiver {
  readonly consumer: string;
  readonly eventType: string;
  readonly pointer: string;
}

export interface RegistryTopology {
  readonly file: string;
  readonly events: readonly TopologyEvent[];
  readonly receivers: readonly TopologyReceiver[];
}

/** Reads (and validates) the registry at `file` and returns its topology. */
export async function readRegistryTopology(file = 'asyncapi.yaml', source?: RegistrySource): Promise<RegistryTopology> {
  let model: RegistryModel;
  try {
    model = await loadRegistry({ file, ...(source && { source }), schemas: false });
  } catch (error) {
    const diagnostics = (error as { diagnostics?: RegistryDiagnostic[] }).diagnostics;
    if (!diagnostics) throw error;
    throw topologyError(file, diagnostics);
  }
  return topologyOf(model, file);
}

/** Pure: the topology of an already parsed AsyncAPI 3 document (not validated by the parser). */
export function registryTopologyFromDocument(document: unknown, file = 'asyncapi.yaml'): RegistryTopology {
  const absolute = path.resolve(file);
  const { model, diagnostics } = readRegistry({ file: absolute, source: new MemorySource({ [absolute]: JSON.stringify(document) }) });
  const errors = diagnostics.filter(isError);
  if (errors.length > 0) throw topologyError(file, errors);
  return topologyOf(model, file);
}

function topologyError(file: string, diagnostics: readonly RegistryDiagnostic[]): RegistryTopologyError {
  const first = diagnostics[0];
  const rest = diagnostics.slice(1).map(formatDiagnostic);
  return new RegistryTopologyError(file, first?.pointer ?? '', [first?.message ?? 'invalid registry', ...rest].join('\n'));
}

/** The topology of a registry model; throws `RegistryTopologyError` listing every binding problem. */
export function topologyOf(model: RegistryModel, file = model.file): RegistryTopology {
  const problems: RegistryDiagnostic[] = [];
  const fail = (pointer: string, message: string): void => {
    problems.push({ file, pointer, code: 'topology', message });
  };
  const events: TopologyEvent[] = [];
  for (const event of model.events) {
    const pointer = event.location.pointer;
    const versions = event.versions.map((version) => version.version);
    const minVersion = event.minVersion ?? versions[0];
    if (typeof minVersion !== 'number' || !versions.includes(minVersion)) {
      fail(joinPointer(pointer, 'x-min-version'), `${event.eventType}: x-min-version must be one of the channel's versions (${versions.join(', ')})`);
      continue;
    }
    const binding = event.binding?.raw;
    const bindingPointer = joinPointer(pointer, 'bindings', 'googlepubsub');
    const retention = binding?.messageRetentionDuration;
    const labels = isObject(binding?.labels) ? binding.labels : {};
    const storagePolicy = isObject(binding?.messageStoragePolicy) ? binding.messageStoragePolicy : {};
    const regions = Array.isArray(storagePolicy.allowedPersistenceRegions) ? storagePolicy.allowedPersistenceRegions.map(String) : undefined;
    const schemaSettings = event.binding?.schemaSettings ?? {};
    const encoding = typeof schemaSettings.encoding === 'string' ? schemaSettings.encoding.toUpperCase() : undefined;
    if (encoding !== undefined && encoding !== 'JSON' && encoding !== 'BINARY') {
      fail(`${bindingPointer}/schemaSettings/encoding`, `${event.eventType}: encoding must be JSON or BINARY`);
      continue;
    }
    let messageRetentionSeconds: number | undefined;
    if (retention !== undefined) {
      const match = typeof retention === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(retention.trim()) : null;
      if (!match) {
        fail(`${bindingPointer}/messageRetentionDuration`, `duration '${String(retention)}' must look like '604800s'`);
        continue;
      }
      messageRetentionSeconds = Number(match[1]);
    }
    events.push({
      eventType: event.eventType,
      aggregateType: event.aggregateType,
      topic: event.topic,
      ordered: event.orderingKey !== null,
      versions,
      minSupportedVersion: minVersion,
      ...(messageRetentionSeconds !== undefined && { messageRetentionSeconds }),
      labels: Object.fromEntries(Object.entries(labels).map(([name, value]) => [name, String(value)])),
      ...(regions && { allowedPersistenceRegions: regions }),
      ...(encoding !== undefined && { schemaEncoding: encoding as 'JSON' | 'BINARY' }),
      ...(typeof schemaSettings.name === 'string' && schemaSettings.name !== '' && { schemaName: schemaSettings.name }),
      pointer,
    });
  }
  const receivers: TopologyReceiver[] = [];
  for (const operation of model.operations) {
    if (operation.action !== 'receive') continue;
    for (const eventType of operation.eventTypes) {
      for (const consumer of operation.parties) receivers.push({ consumer, eventType, pointer: operation.location.pointer });
    }
  }
  if (problems.length > 0) throw topologyError(file, problems);
  return { file, events, receivers };
}
