/**
 * Vitest global setup for the integration project: one Pub/Sub emulator and one PostgreSQL
 * server per test run, shared by all files (tests use random resource names). Services given
 * from outside (PUBSUB_EMULATOR_HOST, DATABASE_URL) are used as they are.
 */
import { startPostgres, startPubSubEmulator, type RunningService } from './services.js';

export default async function setup(): Promise<() => Promise<void>> {
  const started: RunningService[] = [];
  const [emulator, postgres] = await Promise.all([
    process.env.PUBSUB_EMULATOR_HOST ? undefined : startPubSubEmulator(),
    process.env.DATABASE_URL ? undefined : startPostgres(),
  ]);
  if (emulator) {
    started.push(emulator);
    process.env.PUBSUB_EMULATOR_HOST = emulator.address;
  }
  if (postgres) {
    started.push(postgres);
    process.env.DATABASE_URL = postgres.address;
  }
  process.env.GCP_PROJECT_ID ??= 'event-bus-test';
  return async () => {
    await Promise.all(started.map((service) => service.stop()));
  };
}
