/**
 * Fault: a subscriber process is SIGKILLed mid-stream while another one reads the same
 * subscription (the emulator then may end the survivor's streaming pull with gRPC code 2, which
 * used to leave it dead). A fresh process joins after the kill. Every event the broker confirmed
 * must be handled by someone (lost = 0; duplicates are at-least-once and counted); the survivors
 * exit 0 on SIGTERM through shutdownOnSignals, after their in-flight handlers finished.
 * Runs on the shared emulator (it kills a client, not the server). Unhandled events that a plain
 * client cannot pull afterwards either are the emulator holding a dead stream's leases: reported
 * as heldByEmulator, not lost (docs/reliability.md).
 */
import { randomBytes } from 'node:crypto';
import { Duration, PubSub, type Message } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, type EventCatalog } from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { keys, turn } from './support/events.js';
import { startWorker, type Worker } from './support/workers.js';

const EVENTS = 150;
const id = randomBytes(4).toString('hex');
const env = {
  TOPIC_PREFIX: `faults-kill-${id}`,
  SUBSCRIPTION: `faults-kill-${id}-sub`,
  DEAD_LETTER_TOPIC: `faults-kill-${id}-dlq`,
  ORDERED: '0',
  HANDLER_DELAY_MS: '40',
  MAX_MESSAGES: '20',
};

describe('a subscriber process is SIGKILLed', () => {
  let catalog: EventCatalog;
  const workers: Worker[] = [];
  beforeAll(async () => {
    catalog = await loadRegistryCatalog();
  });
  afterAll(() => {
    for (const worker of workers) worker.kill('SIGKILL');
  });

  it('the others keep receiving, a fresh one joins, nothing confirmed is lost, survivors exit 0', async () => {
    const a = startWorker('subscriber-a', 'subscriber', env);
    workers.push(a);
    await a.waitFor((line) => line.kind === 'ready', 60_000, 'ready');
    const b = startWorker('subscriber-b', 'subscriber', env);
    workers.push(b);
    await b.waitFor((line) => line.kind === 'ready', 60_000, 'ready');

    const publisher = new EventPublisher({ catalog, topicPrefix: env.TOPIC_PREFIX });
    const sent = keys(10).flatMap((key) => Array.from({ length: EVENTS / 10 }, (_, seq) => turn(catalog, key, seq)));
    const confirmed = await publisher.publishMany(sent);
    await publisher.close();
    expect(confirmed).toHaveLength(EVENTS);

    // The emulator spreads a subscription's messages over its streams unevenly (in some runs it
    // streams all of them to one process): kill a once the pair has handled 15, mid-delivery,
    // whatever a holds at that moment; what a leased and did not ack must reach b or c.
    const handledBy = (worker: Worker): number => worker.lines.filter((l) => l.kind === 'handled').length;
    const deadlineForKill = Date.now() + 60_000;
    while (handledBy(a) + handledBy(b) < 15 && Date.now() < deadlineForKill) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handledBy(a) + handledBy(b), `a handled ${handledBy(a)}, b handled ${handledBy(b)}`).toBeGreaterThanOrEqual(15);
    a.kill('SIGKILL');
    const killed = await a.exited;
    const c = startWorker('subscriber-c', 'subscriber', env);
    workers.push(c);
    // Until c is ready it has no SIGTERM handler: b may finish the stream before c starts, and a
    // SIGTERM then would kill c the default way.
    await c.waitFor((line) => line.kind === 'ready', 60_000, 'ready');

    const handledIds = (): Set<string> =>
      new Set([a, b, c].flatMap((worker) => worker.lines.filter((line) => line.kind === 'handled').map((line) => String(line.eventId))));
    const deadline = Date.now() + 60_000;
    while (handledIds().size < EVENTS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));

    b.kill('SIGTERM');
    c.kill('SIGTERM');
    const [bExit, cExit] = await Promise.all([b.exited, c.exited]);
    const shutdowns = [b, c].map((worker) => worker.lines.find((line) => line.kind === 'shutdown'));
    const handledLines = [a, b, c].flatMap((worker) => worker.lines.filter((line) => line.kind === 'handled'));
    // Unhandled events a plain client (not this runtime) can still pull would be the runtime's loss.
    // Ones it cannot get either are held by the emulator for the killed process's dead stream
    // (docs/emulator-facts.md: after a SIGKILL the emulator can keep a stream's leases forever).
    const unhandled = new Set(sent.filter((event) => !handledIds().has(event.eventId)).map((event) => event.eventId));
    const pulledByPlainClient = new Set<string>();
    if (unhandled.size > 0) {
      const client = new PubSub({ projectId: process.env.GCP_PROJECT_ID });
      const plain = client.subscription(env.SUBSCRIPTION, { closeOptions: { behavior: 'NACK', timeout: Duration.from({ milliseconds: 2000 }) } });
      plain.on('error', () => undefined);
      plain.on('message', (message: Message) => {
        pulledByPlainClient.add(message.attributes['ce-id'] ?? '');
        message.ack();
      });
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      await plain.close().catch(() => undefined);
      await client.close();
    }
    const lost = [...unhandled].filter((eventId) => pulledByPlainClient.has(eventId)).length;
    const counts = {
      sent: sent.length,
      confirmed: confirmed.length,
      handled: handledIds().size,
      duplicated: handledLines.length - handledIds().size,
      lost,
      heldByEmulator: unhandled.size - lost,
      handledBy: Object.fromEntries([a, b, c].map((worker) => [worker.name, worker.lines.filter((line) => line.kind === 'handled').length])),
      streamsReopened: shutdowns.map((line) => (line?.health as { reopened?: number } | undefined)?.reopened),
      errorsReported: [b, c].map((worker) => worker.lines.filter((line) => line.kind === 'error').length),
    };
    console.info('[faults] subscriber SIGKILL:', JSON.stringify(counts));

    expect(killed.signal).toBe('SIGKILL');
    expect(bExit, b.log()).toEqual({ code: 0, signal: null });
    expect(cExit, c.log()).toEqual({ code: 0, signal: null });
    for (const line of shutdowns) expect(line).toMatchObject({ exitCode: 0, timedOut: false, reason: 'SIGTERM' });
    expect(lost).toBe(0);
    // Each survivor's own counts add up: everything it received it settled, nothing was left in flight.
    for (const line of shutdowns) expect(line?.stats).toMatchObject({ inFlight: 0, deadLettered: 0 });
  });
});
