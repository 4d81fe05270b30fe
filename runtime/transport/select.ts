import { PROJECT_ID_VARIABLES, type EventBusConfig } from '../config.js';
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
 * 3. Pub/Sub when a project is configured (options.projectId, GCP_PROJECT_ID, GOOGLE_CLOUD_PROJECT,
 *    GCLOUD_PROJECT) or PUBSUB_EMULATOR_HOST is set; otherwise the shared in-process transport —
 *    and, outside tests, one line on stderr says so (once per process).
 */
export function resolveTransport(
  choice: TransportChoice | undefined,
  config: EventBusConfig,
  projectId: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedTransport {
  if (choice !== undefined && typeof choice !== 'string') return { transport: choice, owned: false };
  const kind =
    choice ?? config.transport ?? (projectId || config.projectId || config.emulatorHost ? 'pubsub' : 'in-process');
  if (kind === 'in-process') {
    if (choice === undefined && config.transport === undefined) noticeImplicitInProcess(env);
    return { transport: sharedInProcess(), owned: false };
  }
  return {
    transport: new PubSubTransport({
      ...((projectId ?? config.projectId) !== undefined && { projectId: projectId ?? config.projectId }),
      ...(config.emulatorHost !== undefined && { emulatorHost: config.emulatorHost }),
    }),
    owned: true,
  };
}

/** The line printed when nothing chose a transport and the in-process one runs (decision 0030). */
export const IMPLICIT_IN_PROCESS_NOTICE =
  `[event-bus] no GCP project configured (${PROJECT_ID_VARIABLES.join(', ')} or the projectId option): ` +
  'using the in-process transport, events stay in this process; set a project or EVENT_BUS_TRANSPORT=pubsub ' +
  'for Pub/Sub (EVENT_BUS_TRANSPORT=in-process makes the choice explicit and silences this line)';

let noticed = false;

/** Once per process, and never under a test runner (NODE_ENV=test, VITEST), where in-process is the point. */
function noticeImplicitInProcess(env: NodeJS.ProcessEnv): void {
  if (noticed || env.NODE_ENV === 'test' || env.VITEST !== undefined) return;
  noticed = true;
  process.stderr.write(`${IMPLICIT_IN_PROCESS_NOTICE}\n`);
}
