/**
 * Sample events for tests, generated from the registry's own JSON Schemas: valid by construction
 * (every sample also passes the version's generated validator), deterministic for a seed, and
 * usable as fast-check arbitraries in property tests.
 *
 * The schemas are read from the registry on disk (`registryRoot`, default the working
 * directory): the catalog names each version's schema file, and `$ref`s are followed relative to
 * the referring file, as the generator does. Test code only: nothing here is in a production path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { lookupEventType, lookupEventVersion, type EventCatalog, type EventVersionEntry } from '../runtime/catalog.js';
import type { AnyEventEnvelope, EventMapShape } from '../runtime/envelope.js';
import type { VersionedEventMapShape } from '../runtime/store/upcasting.js';
import { EventBusError } from '../runtime/errors.js';
import { arbitraryForSchema } from './arbitrary.js';

export interface EventSamplesOptions {
  catalog: EventCatalog;
  /** Folder the catalog's `schemaFile` paths are relative to (where asyncapi.yaml lives). Default: process.cwd(). */
  registryRoot?: string;
}

export interface SampleOptions<V extends number = number> {
  /** Schema version; default the event type's current version. */
  version?: V;
  /** Same seed, same sample. Default 1. */
  seed?: number;
}

export interface SampleEventOptions<V extends number = number> extends SampleOptions<V> {
  aggregateId?: string;
  correlationId?: string;
  causationId?: string;
}

/** A schema (or its `$ref` target) the sampler cannot read, or a version whose samples keep failing validation. */
export class SampleGenerationError extends EventBusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SAMPLE_GENERATION_FAILED', message, options);
  }
}

type VersionOf<V extends VersionedEventMapShape, T extends keyof V> = keyof V[T] & number;

/**
 * `M`: the generated `EventMap`; `V`: the generated `VersionedEventMap` (both optional, for typing).
 *
 *   const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog });
 *   const event = samples.event('user.created', { seed: 7 });         // UserCreatedEvent, valid
 *   fc.assert(fc.property(samples.eventArbitrary('document.processed'), (event) => ...));
 */
export class EventSamples<M extends EventMapShape = EventMapShape, V extends VersionedEventMapShape = VersionedEventMapShape> {
  readonly catalog: EventCatalog;
  readonly registryRoot: string;
  private readonly documents = new Map<string, unknown>();
  private readonly payloadArbitraries = new Map<string, fc.Arbitrary<unknown>>();

  constructor(options: EventSamplesOptions) {
    this.catalog = options.catalog;
    this.registryRoot = path.resolve(options.registryRoot ?? process.cwd());
  }

  /** The `examples` written in the version's schema (as written: the generator's tests check they validate). */
  examples<T extends keyof V & string, N extends VersionOf<V, T>>(eventType: T, version?: N): V[T][N]['payload'][] {
    const entry = this.versionEntry(eventType, version);
    const schema = this.readSchema(entry.schemaFile) as { examples?: unknown };
    return (Array.isArray(schema.examples) ? structuredClone(schema.examples) : []) as V[T][N]['payload'][];
  }

  /** An arbitrary of valid payloads of one version. */
  payloadArbitrary<T extends keyof V & string, N extends VersionOf<V, T>>(
    eventType: T,
    version?: N,
  ): fc.Arbitrary<V[T][N]['payload']> {
    const entry = this.versionEntry(eventType, version);
    const key = `${eventType}@${entry.version}`;
    let arbitrary = this.payloadArbitraries.get(key);
    if (!arbitrary) {
      const file = path.join(this.registryRoot, entry.schemaFile);
      let raw: fc.Arbitrary<unknown>;
      try {
        raw = arbitraryForSchema(this.readSchema(entry.schemaFile), {
          documentUri: pathToFileURL(file).href,
          loadRef: (uri) => this.readDocument(fileURLToPath(uri)),
        });
      } catch (error) {
        throw new SampleGenerationError(`${eventType} v${entry.version} (${entry.schemaFile}): ${(error as Error).message}`, {
          cause: error,
        });
      }
      // The sampler covers the keywords the registry uses; the validator has the last word.
      arbitrary = raw.filter((payload) => entry.validate(payload).valid);
      this.payloadArbitraries.set(key, arbitrary);
    }
    return arbitrary as fc.Arbitrary<V[T][N]['payload']>;
  }

  /** An arbitrary of whole envelopes of one version: ids, time and payload all generated. */
  eventArbitrary<T extends keyof V & string, N extends VersionOf<V, T>>(
    eventType: T,
    version?: N,
    options: Omit<SampleEventOptions, 'version' | 'seed'> = {},
  ): fc.Arbitrary<V[T][N]> {
    const typeEntry = lookupEventType(this.catalog, eventType);
    const entry = this.versionEntry(eventType, version);
    return fc
      .record({
        eventId: fc.uuid({ version: 4 }),
        aggregateId: options.aggregateId === undefined ? fc.uuid({ version: 4 }) : fc.constant(options.aggregateId),
        occurredAt: fc
          .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
          .map((ms) => new Date(ms).toISOString()),
        payload: this.payloadArbitrary(eventType, entry.version as N),
      })
      .map(
        ({ eventId, aggregateId, occurredAt, payload }): AnyEventEnvelope => ({
          eventId,
          eventType,
          eventVersion: entry.version,
          aggregateId,
          aggregateType: typeEntry.aggregateType,
          occurredAt,
          ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
          ...(options.causationId !== undefined && { causationId: options.causationId }),
          payload,
          metadata: {},
        }),
      ) as unknown as fc.Arbitrary<V[T][N]>;
  }

  /** One valid payload; the same seed gives the same payload. */
  payload<T extends keyof V & string, N extends VersionOf<V, T>>(eventType: T, options: SampleOptions<N> = {}): V[T][N]['payload'] {
    const version = this.versionEntry(eventType, options.version).version;
    return sampleOne(this.payloadArbitrary(eventType, options.version), seedFor(eventType, version, options.seed));
  }

  /**
   * One valid event envelope; the same seed gives the same event (ids and time included). Without
   * `version` it is the current version, typed as the event map's event.
   */
  event<T extends keyof M & keyof V & string>(eventType: T, options?: SampleEventOptions & { version?: undefined }): M[T];
  event<T extends keyof V & string, N extends VersionOf<V, T>>(eventType: T, options: SampleEventOptions<N> & { version: N }): V[T][N];
  event(eventType: string, options: SampleEventOptions = {}): AnyEventEnvelope {
    const { version, seed, ...envelope } = options;
    const resolved = this.versionEntry(eventType, version).version;
    return sampleOne(this.eventArbitrary(eventType, resolved, envelope), seedFor(eventType, resolved, seed)) as AnyEventEnvelope;
  }

  private versionEntry(eventType: string, version: number | undefined): EventVersionEntry {
    const typeEntry = lookupEventType(this.catalog, eventType);
    return lookupEventVersion(this.catalog, eventType, version ?? typeEntry.currentVersion);
  }

  private readSchema(schemaFile: string): unknown {
    return this.readDocument(path.join(this.registryRoot, schemaFile));
  }

  private readDocument(file: string): unknown {
    const absolute = path.resolve(file);
    const relative = path.relative(this.registryRoot, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new SampleGenerationError(`${absolute} lies outside the registry root ${this.registryRoot}`);
    }
    let document = this.documents.get(absolute);
    if (document === undefined) {
      try {
        document = JSON.parse(readFileSync(absolute, 'utf8')) as unknown;
      } catch (error) {
        throw new SampleGenerationError(
          `cannot read schema ${relative}: ${(error as Error).message} (is registryRoot the folder of asyncapi.yaml?)`,
          { cause: error },
        );
      }
      this.documents.set(absolute, document);
    }
    return document;
  }
}

/** One seed per event type and version, so samples of different types never share ids. */
function seedFor(eventType: string, version: number, seed = 1): number {
  let hash = 2166136261;
  for (const char of `${eventType}@${version}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (hash ^ Math.imul(seed, 2654435761)) | 0;
}

function sampleOne<T>(arbitrary: fc.Arbitrary<T>, seed: number): T {
  try {
    const [value] = fc.sample(arbitrary, { seed, numRuns: 1 });
    return value as T;
  } catch (error) {
    throw new SampleGenerationError(`no valid sample found: ${(error as Error).message}`, { cause: error });
  }
}
