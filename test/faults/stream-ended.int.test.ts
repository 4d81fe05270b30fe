/**
 * Fault: a subscriber process's streaming pull ends with a status the client does not retry (its
 * subscription is deleted under it: NOT_FOUND; the emulator's code 2 after a sibling is killed
 * takes the same path). Before issue 12 the subscriber stayed dead, and the process exited 0.
 * Now it reports the end, re-creates its subscription (autoCreate), opens a new stream, keeps its
 * process alive throughout, and handles what is published after it is back. Events published
 * while no subscription existed are dropped by the broker itself — not counted as lost: the
 * test publishes the second batch only after the process reports 'connected' again.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, PubSubTransport, type EventCatalog } from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { keys, turn } from './support/events.js';
import { startWorker, type WorkerLine } from './support/workers.js';

describe('a subscriber whose stream ends for good', () => {
  let catalog: EventCatalog;
  beforeAll(async () => {
    catalog = await loadRegistryCatalog();
  });

  it('re-opens (re-creating its subscription), stays alive, and receives again', async () => {
    const id = randomBytes(4).toString('hex');
    const env = {
      TOPIC_PREFIX: `faults-ended-${id}`,
      SUBSCRIPTION: `faults-ended-${id}-sub`,
      DEAD_LETTER_TOPIC: `faults-ended-${id}-dlq`,
      ORDERED: '0',
    };
    const worker = startWorker('subscriber', 'subscriber', env);
    try {
      await worker.waitFor((line) => line.kind === 'ready', 60_000, 'ready');
      const publisher = new EventPublisher({ catalog, topicPrefix: env.TOPIC_PREFIX });
      const handledIds = (): Set<string> =>
        new Set(worker.lines.filter((line) => line.kind === 'handled').map((line) => String(line.eventId)));
      const first = keys(5).map((key) => turn(catalog, key, 0));
      await publisher.publishMany(first);
      await worker.waitFor(() => first.every((event) => handledIds().has(event.eventId)), 60_000, 'the first batch handled');

      const admin = new PubSubTransport();
      const before = worker.lines.length;
      await admin.deleteSubscription(env.SUBSCRIPTION);
      const after = (line: WorkerLine): boolean => worker.lines.indexOf(line) >= before;
      await worker.waitFor((line) => after(line) && line.kind === 'state' && line.state === 'reconnecting', 60_000, 'reconnecting');
      await worker.waitFor((line) => after(line) && line.kind === 'state' && line.state === 'connected', 60_000, 'connected again');
      await admin.close();

      const second = keys(5).map((key) => turn(catalog, key, 1));
      await publisher.publishMany(second);
      await publisher.close();
      await worker.waitFor(() => second.every((event) => handledIds().has(event.eventId)), 60_000, 'the second batch handled');
      expect(worker.child.exitCode).toBeNull();

      worker.kill('SIGTERM');
      const exit = await worker.exited;
      const shutdown = worker.lines.find((line) => line.kind === 'shutdown');
      const health = shutdown?.health as { reopened: number } | undefined;
      console.info(
        '[faults] stream ended:',
        JSON.stringify({
          sent: first.length + second.length,
          handled: handledIds().size,
          lost: [...first, ...second].filter((event) => !handledIds().has(event.eventId)).length,
          reopened: health?.reopened,
          errors: worker.lines.filter((line) => line.kind === 'error').map((line) => line.code),
        }),
      );
      expect(exit, worker.log()).toEqual({ code: 0, signal: null });
      expect(health?.reopened).toBeGreaterThanOrEqual(1);
      expect(shutdown).toMatchObject({ exitCode: 0 });
    } finally {
      worker.kill('SIGKILL');
    }
  });
});
