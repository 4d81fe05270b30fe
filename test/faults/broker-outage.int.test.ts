/**
 * Fault: the broker dies (the emulator's process group is SIGKILLed) under an ordered subscriber
 * process and an ordering publisher, and comes back empty on the same port (the emulator keeps
 * nothing across a restart). Before issue 12: publish hung 44-80 s, the subscriber never called
 * onError, and after the restart 8 of 20 keys kept failing for ~40 s. Now:
 * - every publish during the outage rejects with a typed, retryable error (PublishTimeoutError, or
 *   ORDERING_KEY_PAUSED for a key whose earlier publish failed) while the broker is still down;
 * - the subscriber reports the outage through onError and its state goes 'reconnecting';
 * - after the restart it re-creates its subscription, reconnects, and every key publishes again;
 * - every event the broker confirmed is handled, in order per key (lost = 0). Events confirmed
 *   before the kill were all handled before it (the test waits for that), so nothing is lost to
 *   the emulator's restart either: any loss would be the runtime's.
 * This file owns its emulator (it kills it); the shared one is not touched.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, PublishError, type AnyEventEnvelope, type EventCatalog } from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { keys, sleep, turn } from './support/events.js';
import { startOwnEmulator, type OwnedEmulator } from './support/servers.js';
import { startWorker, type Worker, type WorkerLine } from './support/workers.js';

const KEYS = 20;
const PUBLISH_TIMEOUT = 3000;
const id = randomBytes(4).toString('hex');

describe('the broker goes down and comes back empty', () => {
  let catalog: EventCatalog;
  let emulator: OwnedEmulator;
  let subscriber: Worker | undefined;
  beforeAll(async () => {
    [catalog, emulator] = await Promise.all([loadRegistryCatalog(), startOwnEmulator()]);
  });
  afterAll(async () => {
    subscriber?.kill('SIGKILL');
    await emulator?.stop();
  });

  it('publish fails fast and typed, the subscriber reports and heals, every key publishes again, nothing confirmed is lost', async () => {
    const env = {
      PUBSUB_EMULATOR_HOST: emulator.address,
      TOPIC_PREFIX: `faults-outage-${id}`,
      SUBSCRIPTION: `faults-outage-${id}-sub`,
      DEAD_LETTER_TOPIC: `faults-outage-${id}-dlq`,
      ORDERED: '1',
      HANDLER_DELAY_MS: '0',
      MAX_MESSAGES: '200',
    };
    const worker = (subscriber = startWorker('subscriber', 'subscriber', env));
    await worker.waitFor((line) => line.kind === 'ready', 60_000, 'ready');
    const publisher = new EventPublisher({
      catalog,
      topicPrefix: env.TOPIC_PREFIX,
      enableOrdering: true,
      publishTimeoutMilliseconds: PUBLISH_TIMEOUT,
      env: { ...process.env, PUBSUB_EMULATOR_HOST: emulator.address },
    });
    const sessionKeys = keys(KEYS);
    const confirmed: AnyEventEnvelope[] = [];
    const publishRound = async (seq: number): Promise<void> => {
      const events = sessionKeys.map((key) => turn(catalog, key, seq));
      await Promise.all(events.map((event) => publisher.publish(event)));
      confirmed.push(...events);
    };
    const handled = (): WorkerLine[] => worker.lines.filter((line) => line.kind === 'handled');
    const handledIds = (): Set<string> => new Set(handled().map((line) => String(line.eventId)));

    // Before: two events per key, all handled.
    await publishRound(0);
    await publishRound(1);
    await worker.waitFor(() => handledIds().size === 2 * KEYS, 60_000, 'the first 40 handled');

    // Outage.
    const linesBeforeKill = worker.lines.length;
    await emulator.kill();
    const outageStarted = Date.now();
    const during = sessionKeys.map((key) => turn(catalog, key, 2));
    const rejections = await Promise.allSettled(during.map((event) => publisher.publish(event)));
    const rejectedAfter = Date.now() - outageStarted;
    const again = await Promise.allSettled(during.map((event) => publisher.publish(event)));
    const reported = await worker.waitFor(
      (line) => worker.lines.indexOf(line) >= linesBeforeKill && line.kind === 'error' && line.code === 'SUBSCRIPTION_UNREACHABLE',
      30_000,
      'an outage reported through onError',
    );
    const reportedAfter = reported.receivedAt - outageStarted;
    const stateDuringOutage = worker.lines.slice(linesBeforeKill).find((line) => line.kind === 'state' && line.state === 'reconnecting');

    // The broker is back (empty); the subscriber re-creates its subscription and reconnects.
    await emulator.start();
    const restartedAt = Date.now();
    const linesBeforeRestart = worker.lines.length;
    await worker.waitFor(
      (line) => worker.lines.indexOf(line) >= linesBeforeRestart && line.kind === 'state' && line.state === 'connected',
      60_000,
      'connected again',
    );
    const reconnectedAfter = (await worker.waitFor((line) => line.kind === 'state' && line.state === 'connected' && worker.lines.indexOf(line) >= linesBeforeRestart, 1000, 'connected')).receivedAt - restartedAt;

    // Every key publishes again: the failed seq 2 first (retried while the key resumes), then seq 3.
    let retriesAfterRestart = 0;
    const publishInOrder = async (key: string): Promise<void> => {
      for (const seq of [2, 3]) {
        const event = turn(catalog, key, seq);
        for (let attempt = 1; ; attempt++) {
          try {
            await publisher.publish(event);
            confirmed.push(event);
            break;
          } catch (error) {
            if (!(error instanceof PublishError) || !error.retryable || attempt >= 40) throw error;
            retriesAfterRestart += 1;
            await sleep(250);
          }
        }
      }
    };
    await Promise.all(sessionKeys.map((key) => publishInOrder(key)));
    const allKeysBackAfter = Date.now() - restartedAt;
    await worker.waitFor(() => confirmed.every((event) => handledIds().has(event.eventId)), 60_000, 'every confirmed event handled');

    worker.kill('SIGTERM');
    const exit = await worker.exited;
    await publisher.close();

    const perKeyInOrder = sessionKeys.every((key) => {
      const seqs = handled().filter((line) => line.key === key).map((line) => Number(line.seq));
      return seqs.every((seq, i) => i === 0 || seq >= seqs[i - 1]!);
    });
    const counts = {
      sent: confirmed.length + during.length,
      confirmed: confirmed.length,
      handled: handledIds().size,
      duplicated: handled().length - handledIds().size,
      lost: confirmed.filter((event) => !handledIds().has(event.eventId)).length,
      rejectedDuringOutage: rejections.filter((result) => result.status === 'rejected').length,
      rejectionCodes: [...new Set([...rejections, ...again].map((result) => (result.status === 'rejected' ? (result.reason as PublishError).code : 'published')))],
      rejectedWithinMs: rejectedAfter,
      outageReportedWithinMs: reportedAfter,
      reconnectedWithinMsOfRestart: reconnectedAfter,
      allKeysPublishingWithinMsOfRestart: allKeysBackAfter,
      retriesAfterRestart,
      perKeyInOrder,
      health: worker.lines.find((line) => line.kind === 'shutdown')?.health,
    };
    console.info('[faults] broker outage:', JSON.stringify(counts));

    for (const result of [...rejections, ...again]) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as PublishError;
      expect(reason).toBeInstanceOf(PublishError);
      expect(['PUBLISH_TIMEOUT', 'ORDERING_KEY_PAUSED']).toContain(reason.code);
      expect(reason.retryable).toBe(true);
    }
    expect(reported.message).toContain('reconnecting');
    expect(stateDuringOutage).toBeDefined();
    expect(counts.lost).toBe(0);
    expect(confirmed).toHaveLength(4 * KEYS);
    expect(perKeyInOrder).toBe(true);
    expect(exit, worker.log()).toEqual({ code: 0, signal: null });
    expect(worker.lines.at(-1)).toMatchObject({ kind: 'shutdown', exitCode: 0 });
    // It healed by opening a new stream (the old one sat in the client's own backoff, or ended).
    expect((worker.lines.at(-1)!.health as { reopened: number }).reopened).toBeGreaterThanOrEqual(1);
  });
});
