/**
 * A projection runner in its own process, for the crash test: it applies batches of the tally
 * projection PROJECTION and, when HANG_AFTER events have been applied in this process, prints
 * HANG and waits forever inside the open batch transaction — the parent then SIGKILLs it.
 * PROJECTION_DB: 'sqlite:<path>' or 'postgres:<schema>' (with DATABASE_URL).
 * RACE=1: print READY, wait for a line on stdin, then step until the projection has no lag,
 * and print how many events this process applied.
 */
import { openPostgresBackend, openSqliteBackend, type EventStoreBackend } from '../../../runtime/store/index.js';
import { ProjectionRunner, projectionDatabaseOf, projectionStatuses } from '../../../store.js';
import { storeOn, tally } from './fixtures.js';

const target = process.env.PROJECTION_DB ?? '';
const name = process.env.PROJECTION ?? '';
const hangAfter = process.env.HANG_AFTER === undefined ? -1 : Number(process.env.HANG_AFTER);
const batchSize = Number(process.env.BATCH_SIZE ?? '10');

let backend: EventStoreBackend;
if (target.startsWith('sqlite:')) backend = await openSqliteBackend(target.slice('sqlite:'.length));
else
  backend = await openPostgresBackend(
    { databaseUrl: process.env.DATABASE_URL!, postgresSchema: target.slice('postgres:'.length), postgresPoolMax: 2 },
    { migrate: false },
  );

const projection = tally(name, {
  beforeApply: async (_event, applied) => {
    if (applied === hangAfter) {
      process.stdout.write('HANG\n');
      await new Promise(() => undefined);
    }
  },
});
const owner = process.env.OWNER ?? 'child';
const runner = new ProjectionRunner({ store: storeOn(backend), projection, batchSize, owner });
if (process.env.RACE) {
  // Race mode: step until the projection has no lag (whoever is active), then report and stop.
  const db = projectionDatabaseOf(backend);
  process.stdout.write('READY\n');
  await new Promise((resolve) => process.stdin.once('data', resolve)); // the parent's "go"
  process.stdin.destroy(); // an open stdin would keep this process alive
  for (;;) {
    const step = await runner.step();
    if (step.status === 'standby' || step.status === 'idle') {
      const status = (await projectionStatuses(db)).find((s) => s.name === name);
      if (status?.lag === 0 && status.generation > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await runner.stop();
  process.stdout.write(`APPLIED ${runner.eventsApplied}\n`);
} else {
  for (;;) {
    const step = await runner.step();
    process.stdout.write(`step ${step.status} ${step.applied} ${step.checkpoint}\n`);
    if (step.caughtUp) break;
  }
  process.stdout.write('DONE\n');
}
await backend.close();
