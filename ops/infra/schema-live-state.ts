import type { PubSub } from '@google-cloud/pubsub';
import { canonicalDefinition } from './canonical-json.js';
import { GRPC_NOT_FOUND, grpcCode } from './pubsub-client.js';
import { schemaName } from './resource-names.js';

/** One committed revision of a Pub/Sub schema. */
export interface LiveSchemaRevision {
  readonly revisionId: string;
  /** Creation time in nanoseconds since the epoch (Pub/Sub orders revision ranges by it). */
  readonly createdAtNanos: bigint;
  readonly definition: string;
  /** Canonical JSON of the definition; undefined when the text is not JSON. */
  readonly canonical: string | undefined;
}

export interface LiveSchema {
  readonly schemaId: string;
  readonly exists: boolean;
  readonly type?: string;
  /** Oldest first. */
  readonly revisions: readonly LiveSchemaRevision[];
}

type SchemaClient = Awaited<ReturnType<PubSub['getSchemaClient']>>;

interface TimestampLike {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

function nanos(timestamp: TimestampLike | null | undefined): bigint {
  if (!timestamp) return 0n;
  return BigInt(String(timestamp.seconds ?? 0)) * 1_000_000_000n + BigInt(timestamp.nanos ?? 0);
}

/**
 * Reads a schema and all its revisions. The emulator lists revisions oldest first, the real
 * service newest first: we sort by creation time ourselves.
 */
export async function readLiveSchema(
  schemaClient: SchemaClient,
  projectId: string,
  schemaId: string,
): Promise<LiveSchema> {
  const name = schemaName(projectId, schemaId);
  try {
    const [revisions] = await schemaClient.listSchemaRevisions({ name, view: 'FULL' });
    const live = revisions.map((revision) => ({
      revisionId: revision.revisionId ?? '',
      createdAtNanos: nanos(revision.revisionCreateTime),
      definition: revision.definition ?? '',
      canonical: canonicalDefinition(revision.definition ?? ''),
    }));
    live.sort((a, b) => (a.createdAtNanos < b.createdAtNanos ? -1 : a.createdAtNanos > b.createdAtNanos ? 1 : 0));
    const type = revisions[0]?.type;
    return { schemaId, exists: true, ...(type != null && { type: String(type) }), revisions: live };
  } catch (error) {
    if (grpcCode(error) === GRPC_NOT_FOUND) return { schemaId, exists: false, revisions: [] };
    throw error;
  }
}
