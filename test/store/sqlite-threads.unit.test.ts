/**
 * SQLite under real parallelism: 8 worker threads, each with its own connection to one file,
 * race on one stream. (The contract suite's race runs connections on one thread.)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteBackend } from '../../runtime/store/index.js';
import type { WriterData, WriterResult } from './support/sqlite-writer.worker.js';

const dir = mkdtempSync(join(tmpdir(), 'event-store-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWriter(data: WriterData): Promise<WriterResult> {
  return new Promise((resolve, reject) => {
    // vitest transforms TypeScript in its own workers only: a bootstrap registers tsx in the thread.
    const worker = new Worker(fileURLToPath(new URL('./support/ts-worker.mjs', import.meta.url)), {
      workerData: { ...data, entry: new URL('./support/sqlite-writer.worker.ts', import.meta.url).href },
    });
    worker.once('message', (result: WriterResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`writer ${data.writer} exited with ${code}`));
    });
  });
}

describe('SQLite: 8 writer threads on separate connections', () => {
  it('exactly one winner per version; retrying writers lose and duplicate nothing', async () => {
    const path = join(dir, 'events.db');
    const setup = await openSqliteBackend(path); // migrates once, before the threads start
    const parties = 8;
    const rounds = 12;
    const retryEvents = 10;
    const barrier = new SharedArrayBuffer(8);
    const raceStream = randomUUID();
    const retryStream = randomUUID();
    const results = await Promise.all(
      Array.from({ length: parties }, (_, writer) =>
        runWriter({ path, writer, parties, barrier, raceStream, rounds, retryStream, retryEvents }),
      ),
    );

    for (let round = 0; round < rounds; round++) {
      expect(results.filter((result) => result.won.includes(round))).toHaveLength(1);
    }
    const race = await setup.readStream({ aggregateType: 'conversation_session', aggregateId: raceStream });
    expect(race.events.map((event) => event.position.streamVersion)).toEqual(
      Array.from({ length: rounds }, (_, i) => i + 1),
    );
    race.events.forEach((event, round) => {
      const winner = results.findIndex((result) => result.won.includes(round));
      expect(event.metadata.writer).toBe(String(winner));
    });

    const retry = await setup.readStream({ aggregateType: 'conversation_session', aggregateId: retryStream });
    const appended = results.flatMap((result) => result.appended);
    expect(retry.events).toHaveLength(parties * retryEvents);
    expect(new Set(retry.events.map((event) => event.eventId))).toEqual(new Set(appended));
    expect(retry.events.map((event) => event.position.streamVersion)).toEqual(appended.map((_, i) => i + 1));
    await setup.close();
  }, 90_000);
});
