import type { PubSub } from '@google-cloud/pubsub';
import { createPubSubClient } from '../../runtime/transport/pubsub.js';

/**
 * A client for the management calls, built by the runtime's one client factory (explicit
 * projectId; PUBSUB_EMULATOR_HOST in emulator mode).
 */
export function createManagementClient(projectId: string): PubSub {
  return createPubSubClient({ projectId });
}

/** Runs `work` with the caller's client, or with a fresh one that is closed afterwards. */
export async function withPubSub<T>(
  projectId: string,
  given: PubSub | undefined,
  work: (pubsub: PubSub) => Promise<T>,
): Promise<T> {
  if (given) return work(given);
  const pubsub = createManagementClient(projectId);
  try {
    return await work(pubsub);
  } finally {
    await pubsub.close();
  }
}

/** gRPC status of a failed call, when it has one. */
export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const GRPC_ALREADY_EXISTS = 6;
export const GRPC_NOT_FOUND = 5;
