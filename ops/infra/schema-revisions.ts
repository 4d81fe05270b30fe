import type { PubSub } from '@google-cloud/pubsub';
import { canonicalDefinition } from './canonical-json.js';
import type { AvroDefinition } from './avro-definitions.js';
import { readLiveSchema, type LiveSchemaRevision } from './schema-live-state.js';

/**
 * Pub/Sub stamps every message accepted on a schema topic with the attribute
 * `googclient_schemarevisionid` (and `googclient_schemaencoding`). Mapping that revision id to
 * an event version tells a subscriber which writer schema to decode the bytes with — found by
 * comparing definitions, like the sync does, so nothing else needs to be stored.
 */
export const SCHEMA_REVISION_ATTRIBUTE = 'googclient_schemarevisionid';
export const SCHEMA_ENCODING_ATTRIBUTE = 'googclient_schemaencoding';

/** Pure: revision id → the event versions whose Avro definition it holds (ascending). */
export function mapRevisionsToVersions(
  revisions: readonly Pick<LiveSchemaRevision, 'revisionId' | 'definition'>[],
  definitions: readonly Pick<AvroDefinition, 'version' | 'definition'>[],
): Map<string, number[]> {
  const versionsByCanonical = new Map<string, number[]>();
  for (const { version, definition } of definitions) {
    const canonical = canonicalDefinition(definition);
    if (canonical === undefined) continue;
    versionsByCanonical.set(
      canonical,
      [...(versionsByCanonical.get(canonical) ?? []), version].sort((a, b) => a - b),
    );
  }
  const map = new Map<string, number[]>();
  for (const revision of revisions) {
    const canonical = canonicalDefinition(revision.definition);
    const versions = canonical === undefined ? undefined : versionsByCanonical.get(canonical);
    if (versions) map.set(revision.revisionId, versions);
  }
  return map;
}

export interface SchemaRevisionVersionsOptions {
  readonly pubsub: PubSub;
  readonly projectId: string;
  /** The topic's schema id, e.g. 'clone.user.created'. */
  readonly schemaId: string;
  /** Avro definitions of the event type's versions. */
  readonly definitions: readonly Pick<AvroDefinition, 'version' | 'definition'>[];
}

/**
 * Cached revision id → event version lookup for one schema. An unknown revision id (committed
 * after the cache was filled) triggers one re-read of the schema's revisions.
 */
export class SchemaRevisionVersions {
  private cache: Map<string, number[]> | undefined;
  /** Ids still unknown after a refresh (deleted revisions, other schemas): not re-read per message. */
  private readonly misses = new Set<string>();

  constructor(private readonly options: SchemaRevisionVersionsOptions) {}

  /**
   * The event version written with `revisionId`, or undefined when no registry version has that
   * definition (or the revision is gone). When versions share one Avro definition the newest is
   * returned: the bytes decode identically with any of them.
   */
  async versionOf(revisionId: string): Promise<number | undefined> {
    if (!this.cache?.has(revisionId) && !this.misses.has(revisionId)) {
      await this.refresh();
      if (!this.cache?.has(revisionId)) this.misses.add(revisionId);
    }
    return this.cache?.get(revisionId)?.at(-1);
  }

  /** Same, from a message's attributes. */
  async versionOfAttributes(attributes: Readonly<Record<string, string>>): Promise<number | undefined> {
    const revisionId = attributes[SCHEMA_REVISION_ATTRIBUTE];
    return revisionId ? this.versionOf(revisionId) : undefined;
  }

  /** Re-reads the schema's revisions (after a sync committed new ones). */
  async refresh(): Promise<void> {
    const schemaClient = await this.options.pubsub.getSchemaClient();
    const live = await readLiveSchema(schemaClient, this.options.projectId, this.options.schemaId);
    this.cache = mapRevisionsToVersions(live.revisions, this.options.definitions);
    this.misses.clear();
  }
}
