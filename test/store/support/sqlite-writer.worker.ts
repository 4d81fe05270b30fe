/**
 * One writer thread for the SQLite concurrency test: its own connection to the shared file,
 * synchronized with the other threads by a barrier so every round is a real race for the lock.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { isExpectedVersionConflictError, openSqliteBackend } from '../../../runtime/store/index.js';
import type { AnyEventEnvelope } from '../../../runtime/index.js';

export interface WriterData {
  readonly path: string;
  readonly writer: number;
  readonly parties: number;
  readonly barrier: SharedArrayBuffer;
  readonly raceStream: string;
  readonly rounds: number;
  readonly retryStream: string;
  readonly retryEvents: number;
}

export interface WriterResult {
  /** Rounds this writer won. */
  readonly won: number[];
  readonly conflicts: number;
  /** Event ids this writer appended to the retry stream. */
  readonly appended: string[];
}

const data = workerData as WriterData;
const state = new Int32Array(data.barrier);

function barrier(): void {
  const generation = Atomics.load(state, 1);
  if (Atomics.add(state, 0, 1) === data.parties - 1) {
    Atomics.store(state, 0, 0);
    Atomics.add(state, 1, 1);
    Atomics.notify(state, 1);
  } else {
    while (Atomics.load(state, 1) === generation) Atomics.wait(state, 1, generation, 1000);
  }
}

function event(aggregateId: string, note: string): AnyEventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: 'conversation.turn_completed',
    eventVersion: 2,
    aggregateId,
    aggregateType: 'conversation_session',
    occurredAt: new Date().toISOString(),
    payload: { note },
    metadata: { writer: String(data.writer) },
  };
}

const backend = await openSqliteBackend(data.path, { migrate: false });
const stream = (aggregateId: string) => ({ aggregateType: 'conversation_session', aggregateId });
const won: number[] = [];
let conflicts = 0;

for (let round = 0; round < data.rounds; round++) {
  barrier();
  try {
    await backend.appendToStream(
      stream(data.raceStream),
      [event(data.raceStream, `round ${round} writer ${data.writer}`)],
      {
        expectedVersion: round,
        outbox: false,
      },
    );
    won.push(round);
  } catch (error) {
    if (!isExpectedVersionConflictError(error)) throw error;
    conflicts++;
  }
  barrier();
}

const appended: string[] = [];
barrier();
for (let i = 0; i < data.retryEvents; i++) {
  const next = event(data.retryStream, `writer ${data.writer} event ${i}`);
  for (;;) {
    const { currentVersion } = await backend.readStream(stream(data.retryStream), { from: Number.MAX_SAFE_INTEGER });
    try {
      await backend.appendToStream(stream(data.retryStream), [next], {
        expectedVersion: currentVersion,
        outbox: false,
      });
      appended.push(next.eventId);
      break;
    } catch (error) {
      if (!isExpectedVersionConflictError(error)) throw error;
      conflicts++;
    }
  }
}
await backend.close();
parentPort?.postMessage({ won, conflicts, appended } satisfies WriterResult);
