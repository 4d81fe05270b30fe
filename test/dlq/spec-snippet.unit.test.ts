/**
 * The product spec's snippet, as written, against a bound subclass shaped like the one the
 * generator emits (catalog filled in). Runs on the in-process transport (EVENT_BUS_TRANSPORT)
 * with the embedded SQLite default, in a scratch working directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { catalog, EventPublisher, EventSubscriber, type EventMap } from '../../generated/index.js';
import { DeadLetterQueueHandler as RuntimeDeadLetterQueueHandler, type DeadLetterQueueHandlerOptions } from '../../runtime/dlq/handler.js';
import { userCreated, waitFor } from './support.js';
import { parkedMessagesOf } from '../../ops/dlq/index.js';

/** What the generator emits next to EventPublisher / EventSubscriber. */
class DeadLetterQueueHandler extends RuntimeDeadLetterQueueHandler<EventMap> {
  constructor(options: DeadLetterQueueHandlerOptions) {
    super({ ...options, catalog });
  }
}

const previousCwd = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'event-bus-dlq-spec-'));
const previousTransport = process.env.EVENT_BUS_TRANSPORT;

beforeAll(() => {
  process.env.EVENT_BUS_TRANSPORT = 'in-process';
  process.chdir(scratch);
});

afterAll(() => {
  process.chdir(previousCwd);
  if (previousTransport === undefined) delete process.env.EVENT_BUS_TRANSPORT;
  else process.env.EVENT_BUS_TRANSPORT = previousTransport;
  rmSync(scratch, { recursive: true, force: true });
});

it("runs the spec's DeadLetterQueueHandler snippet as written", async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  // No backoff between redeliveries, so five attempts take no time.
  const subscriber = new EventSubscriber({
    projectId: 'your-gcp-project',
    subscriptionPrefix: 'clone-sub',
    retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
  });
  await subscriber.subscribe({
    eventType: 'user.created',
    handler: async () => {
      throw new Error('consumer bug');
    },
    deadLetterTopic: 'clone-dead-letter',
    maxDeliveryAttempts: 5,
  });

  // ---- the spec, verbatim ----
  const dlqHandler = new DeadLetterQueueHandler({ projectId: 'your-gcp-project', deadLetterTopic: 'clone-dead-letter',
    deadLetterSubscription: 'clone-dead-letter-sub', retryTopic: 'clone-retry', maxRetries: 3 });
  await dlqHandler.startProcessing(async (message) => {
    console.log('Failed event:', message.originalEvent);
    return message.deliveryAttempts < 3 ? 'retry' : 'discard';   // or 'manual'
  });
  // ----------------------------

  const publisher = new EventPublisher({ projectId: 'your-gcp-project', topicPrefix: 'clone', enableOrdering: true });
  const event = userCreated();
  await publisher.publish(event);
  try {
    await waitFor(() => dlqHandler.counts.discarded === 1, 'the dead letter to be discarded');
    expect(log).toHaveBeenCalledWith('Failed event:', event);
    const [entry] = await parkedMessagesOf(dlqHandler).audit({ action: 'discard' });
    expect(entry).toMatchObject({ eventId: event.eventId, details: { deliveryAttempts: 5, failureCode: 'HANDLER_FAILED' } });
  } finally {
    log.mockRestore();
    await dlqHandler.close();
    await subscriber.close();
    await publisher.close();
  }
});
