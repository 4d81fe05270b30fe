/**
 * A relay process for the outbox crash test. It relays through the real EventPublisher to the
 * emulator and kills itself with SIGKILL right after the broker acked CRASH_AFTER_ACKS messages,
 * i.e. between publish and marking the outbox rows sent: no cleanup, no finally blocks.
 * Env: DATABASE_URL, STORE_SCHEMA, RELAY_TOPIC, CRASH_AFTER_ACKS, PUBSUB_EMULATOR_HOST, GCP_PROJECT_ID.
 */
import {
  EventPublisher,
  type AnyEventEnvelope,
  type EventPublisherPort,
  type PublishOptions,
} from '../../../runtime/index.js';
import { OutboxRelay, openPostgresBackend } from '../../../runtime/store/index.js';
import { loadRegistryCatalog } from '../../support/registry-catalog.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`relay-child: ${name} is not set`);
  return value;
};

const catalog = await loadRegistryCatalog();
const backend = await openPostgresBackend(
  { databaseUrl: env('DATABASE_URL'), postgresSchema: env('STORE_SCHEMA') },
  { migrate: false },
);
const inner = new EventPublisher({ catalog, projectId: env('GCP_PROJECT_ID') });
const crashAfterAcks = Number(env('CRASH_AFTER_ACKS'));
let acks = 0;

const crashingPublisher: EventPublisherPort = {
  async publish(event: AnyEventEnvelope, options?: PublishOptions): Promise<string> {
    const id = await inner.publish(event, options);
    acks++;
    if (acks >= crashAfterAcks) {
      process.stdout.write(`acked ${acks}, crashing\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return id;
  },
};

const relay = new OutboxRelay({
  store: backend,
  publisher: crashingPublisher,
  topic: env('RELAY_TOPIC'),
  batchSize: 25,
  leaseMilliseconds: 2000,
});
await relay.drain();
process.stdout.write('drained without crashing\n');
process.exit(3);
