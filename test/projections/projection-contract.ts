/**
 * The projections contract: one suite, run against SQLite (projections-sqlite.unit.test.ts) and
 * PostgreSQL (projections-postgres.int.test.ts). Projection names are random, so the tests of
 * one file share a database; every read model is compared with what the events imply or with
 * an uninterrupted run over the same store.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStoreBackend } from '../../runtime/store/index.js';
import {
  ensureProjections,
  inlineProjections,
  InlineProjectionError,
  ProjectionRunner,
  projectionStatuses,
  rebuildProjection,
  ensureInboxProjection,
  inboxHandler,
  isInlineProjectionError,
  ProjectionNotReadyError,
  projectionDatabaseOf,
  type RebuildProgress,
} from '../../store.js';
import { execute } from '../../runtime/projections/sql.js';
import type { DatabaseHandle } from '../../runtime/store/index.js';
import {
  appendSessions,
  define,
  readTally,
  started,
  storeOn,
  tally,
  turn,
  type TallyRow,
  type TestStore,
} from './support/fixtures.js';

export interface ProjectionContractOptions {
  open: () => Promise<EventStoreBackend>;
  /** A second backend on the same database (separate sessions); without it both runners share `open`'s. */
  connectAnother?: () => Promise<EventStoreBackend>;
  /** PROJECTION_DB for the child runner (see support/runner-child.ts). */
  childTarget: string;
  teardown?: () => Promise<void>;
}

const childScript = fileURLToPath(new URL('./support/runner-child.ts', import.meta.url));
const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

function runChild(
  env: Record<string, string>,
  killOn?: string,
): Promise<{ output: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (killOn && output.includes(killOn)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ output, code, signal }));
  });
}

export function runProjectionContract(label: string, options: ProjectionContractOptions): void {
  describe(`projections contract: ${label}`, () => {
    let backend: EventStoreBackend;
    let db: DatabaseHandle;
    let store: TestStore;
    const query = async (sql: string) => (await execute<Record<string, unknown>>(db, sql)).rows;
    const rowsOf = (view: string) => readTally(query, view);
    const only = (rows: TallyRow[], ids: readonly string[]) => rows.filter((row) => ids.includes(row.conversation_id));
    const expectedTally = (ids: readonly string[], turnsEach: number): TallyRow[] =>
      [...ids].sort().map((id) => ({
        conversation_id: id,
        events: turnsEach + 1,
        turns: turnsEach,
        tokens: Array.from({ length: turnsEach }, (_, i) => 100 + i).reduce((a, b) => a + b, 0),
        sequence: ['s', ...Array.from({ length: turnsEach }, (_, i) => String(i))].join(','),
      }));

    beforeAll(async () => {
      backend = await options.open();
      db = projectionDatabaseOf(backend);
      store = storeOn(backend);
    });
    afterAll(async () => {
      await backend?.close();
      await options.teardown?.();
    });

    describe('inline', () => {
      it('writes the read model in the append transaction, and builds it from history first', async () => {
        const before = await appendSessions(store, 2, 3); // history from before the projection existed
        const projection = tally(uniqueName('inl'));
        const inlineStore = storeOn(backend, inlineProjections([projection]));
        await ensureProjections({ store: inlineStore, inline: [projection] });
        expect(only(await rowsOf(`${projection.name}_t`), before)).toEqual(expectedTally(before, 3));
        const after = await appendSessions(inlineStore, 2, 4);
        // No runner, no wait: the append's commit carried the read model.
        expect(only(await rowsOf(`${projection.name}_t`), after)).toEqual(expectedTally(after, 4));
        const [status] = (await projectionStatuses(db)).filter((s) => s.name === projection.name);
        expect(status).toMatchObject({ mode: 'inline', generation: 1, lag: 0 });
      });

      it('a throwing projection rolls the append back: no event, no read-model change, a typed error', async () => {
        const name = uniqueName('inf');
        const refused = new Set<string>();
        const projection = tally(name, {
          beforeApply: (event) => {
            if (refused.has(event.eventId)) throw new Error('read model says no');
          },
        });
        // A second projection in the same append that has already written when the first throws.
        const witness = tally(uniqueName('wit'));
        const inlineStore = storeOn(backend, inlineProjections([witness, projection]));
        await ensureProjections({ store: inlineStore, inline: [witness, projection] });
        const id = randomUUID();
        await inlineStore.appendToStream({ aggregateType: 'conversation_session', aggregateId: id }, [
          started(id),
          turn(id, 0),
          turn(id, 1),
        ]);
        const before = { mine: await rowsOf(`${name}_t`), witness: await rowsOf(`${witness.name}_t`) };
        const rejected = [turn(id, 2), turn(id, 3)];
        refused.add(rejected[1]!.eventId); // the second event of the append: the first is already written
        const error = await inlineStore
          .appendToStream({ aggregateType: 'conversation_session', aggregateId: id }, rejected, { expectedVersion: 3 })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect(error).toBeInstanceOf(InlineProjectionError);
        expect(isInlineProjectionError(error) && error.code).toBe('PROJECTION_INLINE_FAILED');
        expect(error).toMatchObject({
          projection: name,
          eventId: rejected[1]!.eventId,
          eventType: 'conversation.turn_completed',
        });
        const stream = await store.readStream({ aggregateType: 'conversation_session', aggregateId: id });
        expect(stream.currentVersion).toBe(3);
        expect(await rowsOf(`${name}_t`)).toEqual(before.mine);
        expect(await rowsOf(`${witness.name}_t`)).toEqual(before.witness);
        expect(only(before.witness, [id])[0]).toMatchObject({ events: 3, sequence: 's,0,1' });
      });

      it('an append before ensureProjections fails with ProjectionNotReadyError and writes nothing', async () => {
        const projection = tally(uniqueName('nrd'));
        const inlineStore = storeOn(backend, inlineProjections([projection]));
        const id = randomUUID();
        await expect(inlineStore.appendEvent(started(id))).rejects.toBeInstanceOf(ProjectionNotReadyError);
        expect((await store.readStream({ aggregateType: 'conversation_session', aggregateId: id })).streamExists).toBe(
          false,
        );
      });

      it('appends during an on-demand rebuild land in the new generation: nothing lost, nothing twice', async () => {
        const projection = tally(uniqueName('irb'));
        const inlineStore = storeOn(backend, inlineProjections([projection]));
        await ensureProjections({ store: inlineStore, inline: [projection] });
        const first = await appendSessions(inlineStore, 3, 5);
        const during: string[] = [];
        let appending = true;
        const appender = (async () => {
          while (appending || during.length < 3) during.push(...(await appendSessions(inlineStore, 1, 2)));
        })();
        const result = await rebuildProjection({ store: inlineStore, projection, mode: 'inline', batchSize: 7 });
        appending = false;
        await appender;
        const later = await appendSessions(inlineStore, 1, 3);
        expect(result.generation).toBe(2);
        const rows = await rowsOf(`${projection.name}_t`);
        expect(only(rows, first)).toEqual(expectedTally(first, 5));
        expect(only(rows, during)).toEqual(expectedTally(during, 2));
        expect(only(rows, later)).toEqual(expectedTally(later, 3));
        // Same as a projection built from scratch over the whole store now.
        const reference = tally(uniqueName('irr'));
        await rebuildProjection({ store, projection: reference, mode: 'async' });
        expect(rows).toEqual(await rowsOf(`${reference.name}_t`));
      });
    });

    describe('async', () => {
      it('catches up in batches with checkpoints; lag goes from the backlog to 0', async () => {
        const projection = tally(uniqueName('asy'));
        const runner = new ProjectionRunner({ store, projection, batchSize: 25 });
        const first = await runner.step(); // builds generation 1 from history (rebuild path)
        expect(first.status).toBe('rebuilt');
        const ids = await appendSessions(store, 4, 9); // 40 new events
        const [behind] = (await projectionStatuses(db)).filter((s) => s.name === projection.name);
        expect(behind).toMatchObject({ mode: 'async', lag: 40, generation: 1 });
        expect(behind!.lease).toMatchObject({ owner: runner.owner, active: true });
        expect(await runner.catchUp()).toBe(true);
        expect(runner.batchesApplied).toBe(2);
        expect(runner.eventsApplied).toBe(40);
        const [after] = (await projectionStatuses(db)).filter((s) => s.name === projection.name);
        expect(after).toMatchObject({ lag: 0 });
        expect(only(await rowsOf(`${projection.name}_t`), ids)).toEqual(expectedTally(ids, 9));
        await runner.stop();
      });

      it('a runner SIGKILLed mid-batch, then restarted, yields exactly the uninterrupted read model', async () => {
        const ids = await appendSessions(store, 5, 11); // 60 events
        const name = uniqueName('crs');
        const projection = tally(name);
        // Build generation 1 at the current head, so the child's batches cover exactly the next events.
        await rebuildProjection({ store, projection, mode: 'async' });
        const more = await appendSessions(store, 5, 11);
        const killed = await runChild(
          { PROJECTION_DB: options.childTarget, PROJECTION: name, HANG_AFTER: '25', BATCH_SIZE: '10' },
          'HANG',
        );
        expect(killed.signal).toBe('SIGKILL');
        expect(killed.output).toContain('step applied 10');
        // Two batches committed before the kill; the third (5 events in) left nothing behind.
        const [afterKill] = (await projectionStatuses(db)).filter((s) => s.name === name);
        expect(afterKill!.lag).toBe(40);
        expect(only(await rowsOf(`${name}_t`), more).reduce((sum, row) => sum + row.events, 0)).toBe(20);
        expect(only(await rowsOf(`${name}_t`), ids)).toEqual(expectedTally(ids, 11));

        const restarted = new ProjectionRunner({ store, projection: tally(name), batchSize: 10, leaseMs: 1 });
        // The child's lease (30 s) still stands: the restarted runner is on standby until it expires.
        await execute(db, 'UPDATE projection_state SET lease_until_ms = 0 WHERE name = ?', [name]);
        expect(await restarted.catchUp()).toBe(true);
        const reference = tally(uniqueName('crr'));
        await rebuildProjection({ store, projection: reference, mode: 'async' });
        const rows = await rowsOf(`${name}_t`);
        expect(rows).toEqual(await rowsOf(`${reference.name}_t`));
        expect(only(rows, [...ids, ...more])).toEqual(expectedTally([...ids, ...more], 11));
        await restarted.stop();
      });

      it('two runners racing: one is active, the other on standby; same result; the standby takes over', async () => {
        const other = options.connectAnother ? await options.connectAnother() : backend;
        try {
          const ids = await appendSessions(store, 6, 9);
          const name = uniqueName('rac');
          const a = new ProjectionRunner({ store, projection: tally(name), batchSize: 8, pollIntervalMs: 5 });
          const b = new ProjectionRunner({
            store: storeOn(other),
            projection: tally(name),
            batchSize: 8,
            pollIntervalMs: 5,
          });
          const steps = await Promise.all([a.step(), b.step()]);
          expect(steps.map((s) => s.status).sort()).toEqual(['rebuilt', 'standby']);
          const active = steps[0]!.status === 'rebuilt' ? a : b;
          const standby = active === a ? b : a;
          const more = await appendSessions(store, 3, 9);
          a.start();
          b.start();
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline) {
            const [status] = (await projectionStatuses(db)).filter((s) => s.name === name);
            if (status!.lag === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await active.stop(); // gives the lease up
          expect(active.eventsApplied).toBe(30);
          expect(standby.eventsApplied).toBe(0);
          const latest = await appendSessions(store, 1, 4);
          const deadline2 = Date.now() + 20_000;
          while (standby.eventsApplied < 5 && Date.now() < deadline2)
            await new Promise((resolve) => setTimeout(resolve, 20));
          await standby.stop();
          expect(standby.eventsApplied).toBe(5);
          const all = [...ids, ...more];
          const rows = await rowsOf(`${name}_t`);
          expect(only(rows, all)).toEqual(expectedTally(all, 9));
          expect(only(rows, latest)).toEqual(expectedTally(latest, 4));
        } finally {
          if (other !== backend) await other.close();
        }
      });

      it('a runner process racing an in-process runner on one database: one applies everything', async () => {
        const ids = await appendSessions(store, 4, 9);
        const name = uniqueName('rap');
        await rebuildProjection({ store, projection: tally(name), mode: 'async' });
        const more = await appendSessions(store, 6, 9); // 60 events for the racers
        const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
          env: {
            ...process.env,
            PROJECTION_DB: options.childTarget,
            PROJECTION: name,
            BATCH_SIZE: '5',
            RACE: '1',
            OWNER: 'racer-child',
          },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let output = '';
        const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        await new Promise<void>((resolve) =>
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('READY')) resolve();
          }),
        );
        // Both start at once: the child on its own connection, this one on the suite's.
        child.stdin.write('go\n');
        const local = new ProjectionRunner({ store, projection: tally(name), batchSize: 5, owner: 'racer-local' });
        for (;;) {
          const step = await local.step();
          if (step.status === 'standby' || step.status === 'idle') {
            const status = (await projectionStatuses(db)).find((s) => s.name === name);
            if (status?.lag === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
        await local.stop();
        expect(await exited, output).toBe(0);
        const childApplied = Number(/APPLIED (\d+)/.exec(output)?.[1]);
        expect([childApplied, local.eventsApplied].sort((x, y) => x - y)).toEqual([0, 60]);
        const all = [...ids, ...more];
        expect(only(await rowsOf(`${name}_t`), all)).toEqual(expectedTally(all, 9));
      });

      it('a rebuild equals the incremental result, while the old read model keeps serving; with progress', async () => {
        const name = uniqueName('reb');
        const runner = new ProjectionRunner({ store, projection: tally(name), batchSize: 13 });
        await appendSessions(store, 3, 6);
        await runner.catchUp();
        await appendSessions(store, 3, 6);
        await runner.catchUp();
        const incremental = await rowsOf(`${name}_t`);
        const progress: RebuildProgress[] = [];
        const result = await rebuildProjection({
          store,
          projection: tally(name),
          mode: 'async',
          batchSize: 40,
          onProgress: (p) => progress.push(p),
        });
        // Progress: increasing, ending at the total, then the switch.
        expect(progress.at(-1)).toMatchObject({ phase: 'switched', generation: 2 });
        const building = progress.filter((p) => p.phase === 'building');
        expect(building.length).toBeGreaterThan(2);
        expect(building.map((p) => p.processed)).toEqual([...building.map((p) => p.processed)].sort((x, y) => x - y));
        expect(building.at(-1)!.processed).toBe(building[0]!.total);
        expect(result.generation).toBe(2);
        expect(await rowsOf(`${name}_t`)).toEqual(incremental);
        // Old generation dropped; the runner continues on the new one.
        await expect(query(`SELECT count(*) AS n FROM ${name}_t_g1`)).rejects.toThrow();
        const ids = await appendSessions(store, 1, 2);
        await runner.catchUp();
        expect(only(await rowsOf(`${name}_t`), ids)).toEqual(expectedTally(ids, 2));
        await runner.stop();
      });

      it('the old read model serves during a rebuild until the switch-over', async () => {
        const name = uniqueName('srv');
        await appendSessions(store, 2, 3);
        await rebuildProjection({ store, projection: tally(name), mode: 'async' });
        const before = await rowsOf(`${name}_t`);
        const samples: { served: TallyRow[]; building: number }[] = [];
        await rebuildProjection({
          store,
          projection: tally(name),
          mode: 'async',
          batchSize: 5,
          onProgress: async (progress) => {
            if (progress.phase !== 'building' || progress.processed === 0) return;
            const [row] = await query(`SELECT count(*) AS n FROM ${name}_t_g${progress.generation}`);
            samples.push({ served: await rowsOf(`${name}_t`), building: Number(row!.n) });
          },
        });
        expect(samples.length).toBeGreaterThan(2);
        // Every read during the rebuild got the complete old model, while the new one was partial.
        for (const sample of samples) expect(sample.served).toEqual(before);
        expect(samples[0]!.building).toBeLessThan(before.length);
        expect(await rowsOf(`${name}_t`)).toEqual(before);
      });

      it('a version change rebuilds into new tables and switches over', async () => {
        const name = uniqueName('ver');
        const v1 = new ProjectionRunner({ store, projection: tally(name), batchSize: 50 });
        await appendSessions(store, 2, 2);
        await v1.catchUp();
        await v1.stop();
        const v2 = new ProjectionRunner({ store, projection: tally(name, { version: 2 }), batchSize: 50 });
        expect((await v2.step()).status).toBe('rebuilt');
        const [status] = (await projectionStatuses(db)).filter((s) => s.name === name);
        expect(status).toMatchObject({ version: 2, generation: 2, lag: 0, rebuild: null });
        await v2.stop();
      });

      it('a throwing handler rolls its batch back and keeps the checkpoint', async () => {
        const name = uniqueName('thr');
        let failOn: string | undefined;
        const projection = tally(name, {
          beforeApply: (event) => {
            if (event.eventId === failOn) throw new Error('boom');
          },
        });
        await appendSessions(store, 1, 1);
        const runner = new ProjectionRunner({ store, projection, batchSize: 100 });
        await runner.catchUp();
        const checkpoint = (await projectionStatuses(db)).find((s) => s.name === name)!.checkpoint;
        const rowsBefore = await rowsOf(`${name}_t`);
        const ids = await appendSessions(store, 1, 6);
        failOn = (await store.readStream({ aggregateType: 'conversation_session', aggregateId: ids[0]! })).events[4]!
          .eventId;
        await expect(runner.step()).rejects.toMatchObject({ code: 'PROJECTION_HANDLER_FAILED', projection: name });
        expect((await projectionStatuses(db)).find((s) => s.name === name)!.checkpoint).toBe(checkpoint);
        expect(await rowsOf(`${name}_t`)).toEqual(rowsBefore);
        failOn = undefined;
        await runner.catchUp();
        expect(only(await rowsOf(`${name}_t`), ids)).toEqual(expectedTally(ids, 6));
        await runner.stop();
      });
    });

    describe('inbox (fed from Pub/Sub)', () => {
      it('records the event id with the update: a redelivery is a no-op, a failure rolls both back', async () => {
        const name = uniqueName('inb');
        let fail = false;
        const projection = tally(name, {
          beforeApply: () => {
            if (fail) throw new Error('read model down');
          },
        });
        await ensureInboxProjection(db, projection);
        const handler = inboxHandler({ db, projection });
        const id = randomUUID();
        const first = started(id);
        expect(await handler(first)).toBe(true);
        expect(await handler(first)).toBe(false); // redelivered
        const second = turn(id, 0);
        fail = true;
        await expect(handler(second)).rejects.toMatchObject({ code: 'PROJECTION_HANDLER_FAILED' });
        fail = false;
        expect(await handler(second)).toBe(true); // the redelivery after the failure applies it once
        expect(await handler(second)).toBe(false);
        expect(await rowsOf(`${name}_t`)).toEqual([
          { conversation_id: id, events: 2, turns: 1, tokens: 100, sequence: 's,0' },
        ]);
        const [status] = (await projectionStatuses(db)).filter((s) => s.name === name);
        expect(status).toMatchObject({ mode: 'inbox', lag: null, generation: 1 });
        await expect(rebuildProjection({ store, projection, mode: 'async' })).rejects.toMatchObject({
          code: 'PROJECTION_NOT_REBUILDABLE',
        });
      });
    });

    it('a definition with an unknown table name is refused when the handler asks for it', async () => {
      const bad = define({
        name: uniqueName('bad'),
        version: 1,
        eventTypes: ['conversation.started'],
        tables: ['declared_only'],
        init: () => undefined,
        handle: (_event, ctx) => ctx.table('not_declared'),
      });
      await appendSessions(store, 1, 1);
      await expect(rebuildProjection({ store, projection: bad, mode: 'async' })).rejects.toMatchObject({
        code: 'PROJECTION_HANDLER_FAILED',
      });
    });
  });
}
