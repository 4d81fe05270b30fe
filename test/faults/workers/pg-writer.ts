/**
 * A writer process for the PostgreSQL restart scenario: appends COUNT events, one per call, to
 * its own stream with an explicit expected version, while the test restarts the server under it.
 * It never catches what it does not understand: an unhandled 'error' event or rejection crashes
 * it with a non-zero exit code, which the test asserts against.
 * Env: DATABASE_URL, STORE_SCHEMA, WRITER, COUNT.
 */
import { randomUUID } from 'node:crypto';
import {
  EventStore,
  isDuplicateEventIdError,
  isExpectedVersionConflictError,
  openPostgresBackend,
  StoreUnavailableError,
} from '../../../runtime/store/index.js';
import { storeTestCatalog, turnCompleted, type TestEventMap } from '../../store/support/fixtures.js';
import { emit } from '../support/workers.js';

const catalog = await storeTestCatalog();
const backend = await openPostgresBackend(
  { databaseUrl: process.env.DATABASE_URL!, postgresSchema: process.env.STORE_SCHEMA!, postgresPoolMax: 4 },
  { migrate: false, retry: { maxAttempts: 8, initialDelayMilliseconds: 100, maxDelayMilliseconds: 1500 } },
);
const store = new EventStore<TestEventMap>({ catalog, backend, outbox: true });
const count = Number(process.env.COUNT);
const sessionId = randomUUID();
const stream = { aggregateType: 'conversation_session', aggregateId: sessionId } as const;
emit('ready', { stream: sessionId });

let gaveUp = 0;
let resolvedByRead = 0;
for (let version = 0; version < count; version++) {
  const event = turnCompleted(catalog, sessionId, version);
  for (;;) {
    try {
      await store.appendToStream(stream, [event], { expectedVersion: version });
      break;
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        // Typed and retryable: the store gave up after its own bounded retries. Wait and try again.
        gaveUp += 1;
        emit('gave-up', { code: error.code, attempts: error.attempts, ambiguous: error.ambiguous, message: error.message });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (isDuplicateEventIdError(error) || isExpectedVersionConflictError(error)) {
        // An earlier give-up whose commit went through after all: the stream tells.
        const { events } = await store.readStream(stream);
        if (events.some((stored) => stored.eventId === event.eventId)) {
          resolvedByRead += 1;
          break;
        }
      }
      throw error;
    }
  }
  emit('appended', { eventId: event.eventId, version: version + 1 });
}
emit('done', { stream: sessionId, appended: count, gaveUp, resolvedByRead, retries: backend.faults.retries });
await store.close();
