/**
 * publishTimeoutMilliseconds and the pause/resume rule for ordering keys, against a transport whose
 * broker never answers (the in-process transport with its publish held back): the timeout must
 * hold for any transport, not only where the Pub/Sub client applies it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventPublisher,
  InProcessTransport,
  PublishError,
  PublishTimeoutError,
  type EventCatalog,
  type OutgoingMessage,
  type TopicPublishOptions,
} from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

/** An in-process broker that stops answering publishes (and probes) while `down` is set. */
class UnreachableBroker extends InProcessTransport {
  down = true;
  override publish(topic: string, message: OutgoingMessage, _options?: TopicPublishOptions): Promise<string> {
    return this.down ? new Promise(() => undefined) : super.publish(topic, message);
  }
  override topicExists(topic: string): Promise<boolean> {
    return this.down ? new Promise(() => undefined) : super.topicExists(topic);
  }
}

describe('publishTimeoutMilliseconds', () => {
  it('rejects with a retryable PublishTimeoutError; the key stays paused until the broker answers, then publishes again', async () => {
    const transport = new UnreachableBroker();
    const publisher = new EventPublisher({ catalog, transport, enableOrdering: true, publishTimeoutMilliseconds: 100, topicPrefix: 'timeout' });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const first = exampleEvent(catalog, 'user.created', 'user-1');
    const timedOut = await publisher.publish(first).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(PublishTimeoutError);
    expect(timedOut).toMatchObject({ code: 'PUBLISH_TIMEOUT', retryable: true, orderingKey: 'user-1', timeoutMilliseconds: 100 });

    const paused = await publisher.publish(exampleEvent(catalog, 'user.created', 'user-1')).catch((error: unknown) => error);
    expect(paused).toBeInstanceOf(PublishError);
    expect(paused).toMatchObject({ code: 'ORDERING_KEY_PAUSED', retryable: true });
    expect(publisher.pausedOrderingKeys).toBe(1);

    transport.down = false;
    await waitUntil(() => publisher.pausedOrderingKeys === 0, 'the key resumed once the broker answered');
    await expect(publisher.publish(first)).resolves.toEqual(expect.any(String));
    expect(publisher.stats).toMatchObject({ published: 1, failed: 2 });
    await publisher.close();
  });
});
