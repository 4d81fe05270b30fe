import type { EventBusConfig } from '../config.js';
import { sharedInProcess } from './in-process.js';
import { PubSubTransport } from './pubsub.js';
import type { Transport } from './transport.js';

/** What a publisher or subscriber is told to run on (decision 0030). */
export type TransportChoice = 'pubsub' | 'in-process' | Transport;

export interface ResolvedTransport {
  readonly transport: Transport;
  /** True when the runtime built it and so must close it. */
  readonly owned: boolean;
}

/**
 * The transport rule, in order:
 * 1. `options.transport`: a Transport instance is used as given (and never closed by us);
 *    'pubsub' builds a Pub/Sub transport; 'in-process' uses the shared in-process transport.
 * 2. EVENT_BUS_TRANSPORT ('pubsub' | 'in-process').
 * 3. Pub/Sub when a project is configured (options.projectId, GCP_PROJECT_ID) or
 *    PUBSUB_EMULATOR_HOST is set; otherwise the shared in-process transport.
 */
export function resolveTransport(
  choice: TransportChoice | undefined,
  config: EventBusConfig,
  projectId: string | undefined,
): ResolvedTransport {
  if (choice !== undefined && typeof choice !== 'string') return { transport: choice, owned: false };
  const kind =
    choice ?? config.transport ?? (projectId || config.projectId || config.emulatorHost ? 'pubsub' : 'in-process');
  if (kind === 'in-process') return { transport: sharedInProcess(), owned: false };
  return {
    transport: new PubSubTransport({
      ...((projectId ?? config.projectId) !== undefined && { projectId: projectId ?? config.projectId }),
      ...(config.emulatorHost !== undefined && { emulatorHost: config.emulatorHost }),
    }),
    owned: true,
  };
}
