/**
 * One contract for every Transport: run by transport-inprocess.unit.test.ts and
 * transport-pubsub.int.test.ts. Resource names are random so runs can share an emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEventBusError, type ReceivedMessage, type Transport, type TransportSubscription } from '../../runtime/index.js';
import { uniqueName, waitUntil } from './support/wait.js';

export interface TransportFixture {
  transport: Transport;
  /** Project id reported in CloudPubSubDeadLetterSourceSubscriptionProject. */
  projectId: string;
  close(): Promise<void>;
}

interface Collector {
  readonly messages: ReceivedMessage[];
  readonly stream: TransportSubscription;
}

export function describeTransportContract(name: string, createFixture: () => Promise<TransportFixture>): void {
  describe(`Transport contract: ${name}`, () => {
    let fixture: TransportFixture;
    let transport: Transport;
    const streams: TransportSubscription[] = [];

    beforeAll(async () => {
      fixture = await createFixture();
      transport = fixture.transport;
    });

    afterAll(async () => {
      await Promise.all(streams.map((stream) => stream.close()));
      await fixture?.close();
    });

    async function topicWithSubscription(
      settings: Partial<Parameters<Transport['ensureSubscription']>[1]> = {},
    ): Promise<{ topic: string; subscription: string }> {
      const topic = uniqueName('ct-topic');
      const subscription = uniqueName('ct-sub');
      await transport.ensureTopic(topic);
      await transport.ensureSubscription(subscription, { topic, ...settings });
      return { topic, subscription };
    }

    function collect(subscription: string, onMessage: (message: ReceivedMessage, all: ReceivedMessage[]) => void, flowControl?: { maxMessages?: number; maxBytes?: number }): Collector {
      const messages: ReceivedMessage[] = [];
      const stream = transport.subscribe(
        subscription,
        (message) => {
          messages.push(message);
          onMessage(message, messages);
        },
        { ...(flowControl && { flowControl }), closeTimeoutMilliseconds: 2000, onError: () => undefined },
      );
      streams.push(stream);
      return { messages, stream };
    }

    it('ensures topics idempotently and publishes with a server message id', async () => {
      const topic = uniqueName('ct-topic');
      expect(await transport.topicExists(topic)).toBe(false);
      expect(await transport.ensureTopic(topic)).toBe(true);
      expect(await transport.ensureTopic(topic)).toBe(false);
      expect(await transport.topicExists(topic)).toBe(true);
      const id = await transport.publish(topic, { data: Buffer.from('hello'), attributes: { a: '1' } });
      expect(typeof id).toBe('string');
      expect(id.length).toBeGreaterThan(0);
    });

    it('refuses to publish to a missing topic with TOPIC_NOT_FOUND', async () => {
      const publishing = transport.publish(uniqueName('ct-missing'), { data: Buffer.from('x'), attributes: {} });
      await expect(publishing).rejects.toSatisfy((error: unknown) => isEventBusError(error, 'TOPIC_NOT_FOUND'));
    });

    it('publishes on an ordering key again after a failed publish and resumePublishing', async () => {
      // @google-cloud/pubsub 5.3 drops a failed key's queue once it drains, so whether a later
      // publish still fails before resumePublishing depends on timing; resuming always works.
      const topic = uniqueName('ct-topic');
      const message = { data: Buffer.from('x'), attributes: {}, orderingKey: 'key-1' };
      // The topic does not exist yet: the failure is that one, named by its code (not just any rejection).
      await expect(transport.publish(topic, message, { messageOrdering: true })).rejects.toSatisfy((error: unknown) =>
        isEventBusError(error, 'TOPIC_NOT_FOUND'),
      );
      await transport.ensureTopic(topic);
      transport.resumePublishing(topic, 'key-1');
      await expect(transport.publish(topic, message, { messageOrdering: true })).resolves.toEqual(expect.any(String));
    });

    it('ensures a subscription with dead-letter policy, retry policy, ordering and filter', async () => {
      const topic = uniqueName('ct-topic');
      const deadLetterTopic = uniqueName('ct-dlq');
      const subscription = uniqueName('ct-sub');
      await transport.ensureTopic(topic);
      await transport.ensureTopic(deadLetterTopic);
      const settings = {
        topic,
        ackDeadlineSeconds: 15,
        enableMessageOrdering: true,
        filter: 'attributes.kind = "a"',
        deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 7 },
        retryPolicy: { minimumBackoffSeconds: 0.5, maximumBackoffSeconds: 30 },
      };
      expect(await transport.ensureSubscription(subscription, settings)).toBe(true);
      expect(await transport.ensureSubscription(subscription, settings)).toBe(false);
      expect(await transport.describeSubscription(subscription)).toEqual({ name: subscription, ...settings });
      expect(await transport.describeSubscription(uniqueName('ct-none'))).toBeUndefined();
    });

    it('delivers data, attributes, ordering key and publish time; acked messages are not redelivered', async () => {
      const { topic, subscription } = await topicWithSubscription({ enableMessageOrdering: true });
      const ids = [];
      for (let i = 0; i < 3; i++) {
        ids.push(await transport.publish(topic, { data: Buffer.from(`m${i}`), attributes: { index: String(i) }, orderingKey: 'k' }, { messageOrdering: true }));
      }
      const { messages } = collect(subscription, (message) => message.ack());
      await waitUntil(() => messages.length >= 3, 'three messages');
      expect(messages.map((message) => message.data.toString())).toEqual(['m0', 'm1', 'm2']);
      expect(messages.map((message) => message.id)).toEqual(ids);
      expect(messages[0]!.attributes).toEqual({ index: '0' });
      expect(messages[0]!.orderingKey).toBe('k');
      expect(messages[0]!.publishTime).toBeInstanceOf(Date);
      expect(messages[0]!.length).toBe(2);
      // A marker published after the acks is the next thing delivered: nothing came back.
      await transport.publish(topic, { data: Buffer.from('marker'), attributes: {} });
      await waitUntil(() => messages.length >= 4, 'the marker');
      expect(messages[3]!.data.toString()).toBe('marker');
    });

    it('redelivers a nacked message with a growing delivery attempt', async () => {
      const deadLetterTopic = uniqueName('ct-dlq');
      await transport.ensureTopic(deadLetterTopic);
      const { topic, subscription } = await topicWithSubscription({ deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 10 } });
      const id = await transport.publish(topic, { data: Buffer.from('again'), attributes: {} });
      const { messages } = collect(subscription, (message, all) => (all.length < 3 ? message.nack() : message.ack()));
      await waitUntil(() => messages.length >= 3, 'three deliveries');
      expect(messages.map((message) => message.id)).toEqual([id, id, id]);
      expect(messages.map((message) => message.deliveryAttempt)).toEqual([1, 2, 3]);
    });

    it('dead-letters after maxDeliveryAttempts with the CloudPubSubDeadLetterSource* attributes', async () => {
      const deadLetterTopic = uniqueName('ct-dlq');
      const deadLetterSubscription = uniqueName('ct-dlq-sub');
      await transport.ensureTopic(deadLetterTopic);
      await transport.ensureSubscription(deadLetterSubscription, { topic: deadLetterTopic });
      const { topic, subscription } = await topicWithSubscription({ deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 5 } });
      await transport.publish(topic, { data: Buffer.from('poison'), attributes: { kind: 'poison' } });
      const source = collect(subscription, (message) => message.nack());
      const dead = collect(deadLetterSubscription, (message) => message.ack());
      await waitUntil(() => dead.messages.length >= 1, 'the dead letter');
      expect(source.messages.map((message) => message.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);
      const [letter] = dead.messages;
      expect(letter!.data.toString()).toBe('poison');
      expect(letter!.attributes).toMatchObject({
        kind: 'poison',
        CloudPubSubDeadLetterSourceDeliveryCount: '5',
        CloudPubSubDeadLetterSourceSubscription: subscription,
        CloudPubSubDeadLetterSourceSubscriptionProject: fixture.projectId,
      });
      expect(Date.parse(letter!.attributes.CloudPubSubDeadLetterSourceTopicPublishTime!)).not.toBeNaN();
    });

    it('keeps per-key publish order on first delivery and redelivers a nacked message of a key', async () => {
      const { topic, subscription } = await topicWithSubscription({ enableMessageOrdering: true });
      const published: Record<string, string[]> = { a: [], b: [] };
      const sends: Promise<string>[] = [];
      for (let i = 0; i < 20; i++) {
        const key = i % 2 === 0 ? 'a' : 'b';
        published[key]!.push(`${key}${i}`);
        sends.push(transport.publish(topic, { data: Buffer.from(`${key}${i}`), attributes: {}, orderingKey: key }, { messageOrdering: true }));
      }
      await Promise.all(sends);
      let nackedOnce = false;
      const { messages } = collect(subscription, (message) => {
        if (message.data.toString() === 'a4' && !nackedOnce) {
          nackedOnce = true;
          message.nack();
        } else message.ack();
      });
      await waitUntil(() => messages.length >= 21, 'twenty deliveries and one redelivery');
      for (const key of ['a', 'b']) {
        const firstDeliveries: string[] = [];
        for (const message of messages) {
          const text = message.data.toString();
          if (message.orderingKey === key && !firstDeliveries.includes(text)) firstDeliveries.push(text);
        }
        expect(firstDeliveries).toEqual(published[key]);
      }
      expect(messages.filter((message) => message.data.toString() === 'a4')).toHaveLength(2);
    });

    it('holds flow control: maxMessages and maxBytes outstanding', async () => {
      const { topic, subscription } = await topicWithSubscription();
      const size = 1000;
      for (let i = 0; i < 8; i++) await transport.publish(topic, { data: Buffer.alloc(size, i), attributes: {} });
      let outstanding = 0;
      let outstandingBytes = 0;
      let maxOutstanding = 0;
      let maxOutstandingBytes = 0;
      const { messages } = collect(
        subscription,
        (message) => {
          outstanding += 1;
          outstandingBytes += message.length;
          maxOutstanding = Math.max(maxOutstanding, outstanding);
          maxOutstandingBytes = Math.max(maxOutstandingBytes, outstandingBytes);
          setTimeout(() => {
            outstanding -= 1;
            outstandingBytes -= message.length;
            message.ack();
          }, 20);
        },
        { maxMessages: 3, maxBytes: 2500 },
      );
      await waitUntil(() => messages.length >= 8, 'eight messages');
      expect(maxOutstanding).toBeLessThanOrEqual(3);
      // Pub/Sub hands out messages while under maxBytes, so one message may cross it.
      expect(maxOutstandingBytes).toBeLessThanOrEqual(2500 + size);
    });

    it('close() stops delivery and gives outstanding messages back for redelivery', async () => {
      const deadLetterTopic = uniqueName('ct-dlq');
      await transport.ensureTopic(deadLetterTopic);
      const { topic, subscription } = await topicWithSubscription({ deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 10 } });
      const id = await transport.publish(topic, { data: Buffer.from('held'), attributes: {} });
      const first = collect(subscription, () => undefined);
      await waitUntil(() => first.messages.length >= 1, 'the first delivery');
      await first.stream.close();
      const second = collect(subscription, (message) => message.ack());
      await waitUntil(() => second.messages.length >= 1, 'the redelivery');
      expect(second.messages[0]!.id).toBe(id);
      expect(second.messages[0]!.deliveryAttempt).toBeGreaterThanOrEqual(2);
      expect(first.messages).toHaveLength(1);
    });

    it('deletes subscriptions and topics', async () => {
      const { topic, subscription } = await topicWithSubscription();
      await transport.deleteSubscription(subscription);
      expect(await transport.describeSubscription(subscription)).toBeUndefined();
      await transport.deleteTopic(topic);
      expect(await transport.topicExists(topic)).toBe(false);
    });
  });
}
