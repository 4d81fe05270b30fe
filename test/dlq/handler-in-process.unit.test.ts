/**
 * The dead-letter handler on the in-process transport (same dead-letter semantics as Pub/Sub)
 * with SQLite: retry, retry past maxRetries, discard, manual park + requeue, nack on throw and
 * timeout, undecodable events, and messages the subscriber dead-lettered itself.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalog, type EventMap } from '../../generated/index.js';
import { DeadLetterQueueHandler, type DeadLetterHandlerFn } from '../../runtime/dlq/handler.js';
import type { DeadLetterDecision } from '../../runtime/dlq/decisions.js';
import type { DeadLetterMessage } from '../../runtime/dlq/message.js';
import type { ParkedMessageRepository } from '../../runtime/dlq/repository/parked-message.js';
import { SqliteParkedMessageRepository } from '../../runtime/dlq/repository/sqlite-repository.js';
import { openSqlite } from '../../runtime/store/database.js';
import { parkedMessagesOf } from '../../ops/dlq/index.js';
import { InProcessTransport } from '../../runtime/transport/in-process.js';
import type { ReceivedMessage } from '../../runtime/transport/transport.js';
import { allSettled, uniqueName, userCreated, waitFor, wireMessage } from './support.js';

interface Setup {
  transport: InProcessTransport;
  topic: string;
  subscription: string;
  deadLetterTopic: string;
  deadLetterSubscription: string;
  /** Messages the consumer acked. */
  handled: ReceivedMessage[];
  /** While true the consumer nacks everything. */
  broken: { value: boolean };
  handler?: DeadLetterQueueHandler<EventMap>;
}

let setup: Setup;

beforeEach(async () => {
  const transport = new InProcessTransport({ projectId: 'unit' });
  const topic = uniqueName('topic');
  const subscription = uniqueName('sub');
  const deadLetterTopic = uniqueName('dead-letter');
  await transport.ensureTopic(topic);
  await transport.ensureTopic(deadLetterTopic);
  await transport.ensureSubscription(subscription, {
    topic,
    enableMessageOrdering: true,
    deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 5 },
  });
  setup = {
    transport,
    topic,
    subscription,
    deadLetterTopic,
    deadLetterSubscription: `${deadLetterTopic}.all`,
    handled: [],
    broken: { value: true },
  };
  transport.subscribe(subscription, (message) => {
    if (setup.broken.value) message.nack();
    else {
      setup.handled.push(message);
      message.ack();
    }
  });
});

afterEach(async () => {
  await setup.handler?.close();
  await setup.transport.close();
});

async function startHandler(
  decide: DeadLetterHandlerFn<EventMap>,
  options: {
    maxRetries?: number;
    retryTopic?: string;
    handlerTimeoutMs?: number;
    repository?: ParkedMessageRepository;
    ensureSubscription?: boolean;
    onError?: (error: unknown) => void;
  } = {},
): Promise<{ handler: DeadLetterQueueHandler<EventMap>; seen: DeadLetterMessage<EventMap>[]; errors: unknown[] }> {
  const seen: DeadLetterMessage<EventMap>[] = [];
  const errors: unknown[] = [];
  const handler = new DeadLetterQueueHandler<EventMap>({
    catalog,
    transport: setup.transport,
    deadLetterTopic: setup.deadLetterTopic,
    deadLetterSubscription: setup.deadLetterSubscription,
    maxRetries: options.maxRetries ?? 3,
    ...(options.repository ? { repository: options.repository } : { sqlite: ':memory:' }),
    ...(options.ensureSubscription !== undefined && { ensureSubscription: options.ensureSubscription }),
    actor: 'dlq-test',
    onError: (error) => {
      errors.push(error);
      options.onError?.(error);
    },
    ...(options.retryTopic !== undefined && { retryTopic: options.retryTopic }),
    ...(options.handlerTimeoutMs !== undefined && { handlerTimeoutMs: options.handlerTimeoutMs }),
  });
  setup.handler = handler;
  await handler.startProcessing((message) => {
    seen.push(message);
    return decide(message);
  });
  return { handler, seen, errors };
}

describe('DeadLetterQueueHandler on the in-process transport', () => {
  it('hands over the typed event with Pub/Sub dead-letter facts, and a retry succeeds once the consumer is fixed', async () => {
    const { handler, seen } = await startHandler((message) => {
      setup.broken.value = false; // the fix ships
      return message.deliveryAttempts < 3 ? 'discard' : 'retry';
    });
    const event = userCreated('Poison Ivy');
    await setup.transport.publish(setup.topic, wireMessage(catalog, event));

    await waitFor(() => setup.handled.length === 1 && allSettled(handler.counts), 'the retried event to be handled');
    const [message] = seen;
    expect(message?.decoded).toBe(true);
    if (!message?.decoded) return;
    expect(message.originalEvent).toEqual(event);
    expect(message.originalEvent.eventType).toBe('user.created');
    expect(message).toMatchObject({
      deliveryAttempts: 5,
      failureCode: 'MAX_DELIVERY_ATTEMPTS_EXCEEDED',
      sourceSubscription: setup.subscription,
      sourceTopic: setup.topic,
      originTopic: setup.topic,
      retryCount: 0,
    });
    expect(message.firstFailureTime).toEqual(message.lastFailureTime);
    const retried = setup.handled[0]!;
    expect(retried.attributes['ce-id']).toBe(event.eventId);
    expect(retried.attributes['event-bus-retry-count']).toBe('1');
    expect(retried.attributes['event-bus-retry-for-subscription']).toBe(setup.subscription);
    expect(retried.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBeUndefined();
    expect(handler.counts).toMatchObject({ received: 1, retried: 1, parked: 0, discarded: 0, nacked: 0 });
    const audit = await parkedMessagesOf(handler).audit({ action: 'retry' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ eventId: event.eventId, actor: 'dlq-test', details: { topic: setup.topic, retryCount: 1 } });
  });

  it('parks a message instead of retrying it past maxRetries, so it never loops', async () => {
    const { handler, seen } = await startHandler(() => 'retry', { maxRetries: 2 });
    const event = userCreated();
    await setup.transport.publish(setup.topic, wireMessage(catalog, event));

    await waitFor(() => handler.counts.parked === 1, 'the message to be parked');
    expect(seen.map((message) => message.retryCount)).toEqual([0, 1, 2]);
    expect(seen[2]!.firstFailureTime).toEqual(seen[0]!.lastFailureTime);
    expect(handler.counts).toMatchObject({ retried: 2, parked: 1, parkedRetriesExhausted: 1 });
    const [parked] = await parkedMessagesOf(handler).list({ eventType: 'user.created' });
    expect(parked).toMatchObject({
      eventId: event.eventId,
      eventVersion: event.eventVersion,
      aggregateId: event.aggregateId,
      parkReason: 'retries-exhausted',
      retryCount: 2,
      deliveryAttempts: 5,
      originTopic: setup.topic,
      status: 'parked',
    });
    expect(setup.handled).toHaveLength(0);
  });

  it('sends retries to the retry topic when one is configured', async () => {
    const retryTopic = uniqueName('retry');
    await setup.transport.ensureTopic(retryTopic);
    await setup.transport.ensureSubscription(`${retryTopic}.sub`, { topic: retryTopic });
    const onRetryTopic: ReceivedMessage[] = [];
    setup.transport.subscribe(`${retryTopic}.sub`, (message) => {
      onRetryTopic.push(message);
      message.ack();
    });
    await startHandler(() => 'retry', { retryTopic });
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));

    await waitFor(() => onRetryTopic.length === 1, 'the retry on the retry topic');
    expect(onRetryTopic[0]!.attributes).toMatchObject({
      'event-bus-retry-count': '1',
      'event-bus-origin-topic': setup.topic,
      'event-bus-retry-for-subscription': setup.subscription,
    });
  });

  it('discards with an audit entry saying who, why and when', async () => {
    const { handler } = await startHandler(() => ({ action: 'discard', reason: 'test account' }));
    const event = userCreated();
    const before = new Date();
    await setup.transport.publish(setup.topic, wireMessage(catalog, event));

    await waitFor(() => handler.counts.discarded === 1, 'the discard');
    const audit = await parkedMessagesOf(handler).audit({ action: 'discard' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ eventId: event.eventId, eventType: 'user.created', actor: 'dlq-test', reason: 'test account' });
    expect(audit[0]!.at.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(await parkedMessagesOf(handler).list({ status: 'all' })).toEqual([]);
  });

  it('parks on manual, and a requeue goes back through the source topic and is handled', async () => {
    const { handler } = await startHandler(() => ({ action: 'manual', reason: 'check the email' }));
    const event = userCreated();
    await setup.transport.publish(setup.topic, wireMessage(catalog, event));
    await waitFor(() => handler.counts.parked === 1, 'the park');

    const [parked] = await parkedMessagesOf(handler).list();
    expect(parked).toMatchObject({ parkReason: 'manual', parkNote: 'check the email', eventId: event.eventId });
    // A publish that fails leaves the message parked.
    await expect(parkedMessagesOf(handler).requeue(parked!.parkedId, { topic: 'no-such-topic' })).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    expect((await parkedMessagesOf(handler).show(parked!.parkedId)).status).toBe('parked');
    setup.broken.value = false;
    const result = await parkedMessagesOf(handler).requeue(parked!.parkedId, { actor: 'alice', reason: 'consumer fixed' });
    expect(result.topic).toBe(setup.topic);

    await waitFor(() => setup.handled.length === 1, 'the requeued event to be handled');
    expect(setup.handled[0]!.attributes).toMatchObject({
      'ce-id': event.eventId,
      'event-bus-requeued-from': parked!.parkedId,
      'event-bus-requeue-count': '1',
    });
    expect(setup.handled[0]!.attributes['event-bus-retry-count']).toBeUndefined();
    expect((await parkedMessagesOf(handler).show(parked!.parkedId)).status).toBe('requeued');
    const audit = await parkedMessagesOf(handler).audit({ parkedId: parked!.parkedId });
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([
      ['park', 'dlq-test'],
      ['requeue', 'alice'],
    ]);
  });

  it('leaves the message unacked when the handler throws, so it comes back', async () => {
    let calls = 0;
    const { handler, errors } = await startHandler(() => {
      calls += 1;
      if (calls === 1) throw new Error('handler crashed');
      return 'discard';
    });
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
    await waitFor(() => handler.counts.discarded === 1, 'the second try to discard');
    expect(handler.counts).toMatchObject({ received: 2, nacked: 1, discarded: 1 });
    expect((errors[0] as Error).message).toBe('handler crashed');
  });

  it('leaves the message unacked when the handler times out', async () => {
    let calls = 0;
    const { handler, errors } = await startHandler(
      async (): Promise<DeadLetterDecision> => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 2_000));
        return 'discard';
      },
      { handlerTimeoutMs: 50 },
    );
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
    await waitFor(() => handler.counts.discarded === 1, 'the retry after the timeout');
    expect(handler.counts.nacked).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'DLQ_HANDLER_TIMEOUT' });
  });

  it('does not ack a park until the row is committed: a failed write is retried, and parks once', async () => {
    const repository = new SqliteParkedMessageRepository({ db: openSqlite(':memory:'), closeDatabase: true });
    await repository.migrate();
    let failures = 1;
    const flaky: ParkedMessageRepository = Object.assign(Object.create(repository) as ParkedMessageRepository, {
      park: (...args: Parameters<ParkedMessageRepository['park']>) => {
        if (failures-- > 0) return Promise.reject(new Error('database is locked'));
        return repository.park(...args);
      },
    });
    const { handler, errors } = await startHandler(() => 'manual', { repository: flaky });
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
    await waitFor(() => handler.counts.parked === 1, 'the park after the failed write');
    expect(handler.counts).toMatchObject({ received: 2, nacked: 1, parked: 1 });
    expect((errors[0] as Error).message).toBe('database is locked');
    expect(await repository.list({ status: 'all' })).toHaveLength(1);
    await handler.close();
    await repository.close();
  });

  it('does not ack a retry until the publish succeeded', async () => {
    const retryTopic = uniqueName('late-retry');
    await setup.transport.ensureSubscription(setup.deadLetterSubscription, { topic: setup.deadLetterTopic });
    const { handler, errors } = await startHandler(() => 'retry', {
      retryTopic,
      ensureSubscription: false,
      // The retry topic appears only after the first publish failed.
      onError: () => void setup.transport.ensureTopic(retryTopic).then(() => setup.transport.ensureSubscription(`${retryTopic}.sub`, { topic: retryTopic })),
    });
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
    await waitFor(() => handler.counts.retried === 1, 'the retry after the topic exists');
    expect(errors[0]).toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    expect(handler.counts.nacked).toBeGreaterThanOrEqual(1);
    expect(await parkedMessagesOf(handler).audit({ action: 'retry' })).toHaveLength(1);
  });

  it('nacks an answer that is not a decision', async () => {
    let calls = 0;
    const { handler, errors } = await startHandler(() => (++calls === 1 ? ('ack' as never) : 'manual'));
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
    await waitFor(() => handler.counts.parked === 1, 'the park after the bad answer');
    expect(errors[0]).toMatchObject({ code: 'DLQ_INVALID_DECISION' });
  });

  it('hands over raw bytes and attributes when the event does not decode, and parks them intact', async () => {
    const { handler, seen } = await startHandler(() => 'manual');
    const event = userCreated();
    const wire = wireMessage(catalog, event);
    const garbage = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    await setup.transport.publish(setup.topic, { ...wire, data: garbage });
    await waitFor(() => handler.counts.parked === 1, 'the park');

    const [message] = seen;
    expect(message?.decoded).toBe(false);
    if (message?.decoded !== false) return;
    expect(message.decodeFailure.code).toBe('PAYLOAD_DECODE_FAILED');
    expect(Buffer.compare(message.originalEvent.data, garbage)).toBe(0);
    expect(message.originalEvent.attributes['ce-id']).toBe(event.eventId);
    const [parked] = await parkedMessagesOf(handler).list();
    expect(Buffer.compare(parked!.data, garbage)).toBe(0);
    expect(parked!.failureCode).toBe('MAX_DELIVERY_ATTEMPTS_EXCEEDED');
  });

  it('reads the reason the subscriber recorded and routes by its source-topic attribute', async () => {
    const { handler, seen } = await startHandler(() => 'retry');
    setup.broken.value = false;
    const wire = wireMessage(catalog, userCreated());
    // What the runtime's subscriber publishes when a message can never succeed.
    await setup.transport.publish(setup.deadLetterTopic, {
      data: wire.data,
      attributes: {
        ...wire.attributes,
        'event-bus-dead-letter-reason': 'Unknown version 9 of event type user.created',
        'event-bus-error-code': 'UNKNOWN_EVENT_VERSION',
        'event-bus-source-topic': setup.topic,
        'event-bus-source-subscription': setup.subscription,
        'event-bus-delivery-attempt': '1',
      },
    });
    await waitFor(() => setup.handled.length === 1 && allSettled(handler.counts), 'the retry to be handled');
    expect(seen[0]).toMatchObject({ failureCode: 'UNKNOWN_EVENT_VERSION', sourceTopic: setup.topic, deliveryAttempts: 1 });
    // The subscriber's publish drops the ordering key: the retry restores the aggregate id.
    expect(setup.handled[0]!.orderingKey).toBe(wire.orderingKey);
    expect(setup.handled[0]!.attributes['event-bus-error-code']).toBeUndefined();
    expect(handler.counts.retried).toBe(1);
  });

  it('parks a retry it cannot route instead of looping', async () => {
    const { handler } = await startHandler(() => 'retry');
    await setup.transport.publish(setup.deadLetterTopic, { data: Buffer.from('?'), attributes: { origin: 'unknown' } });
    await waitFor(() => handler.counts.parked === 1, 'the park');
    const [parked] = await parkedMessagesOf(handler).list();
    expect(parked).toMatchObject({ parkReason: 'unroutable', eventType: undefined });
    expect(parked!.parkNote).toContain('source topic is unknown');
  });
});

describe('DeadLetterQueueHandler options', () => {
  it("defaults to the dead-letter topic's keeping subscription", () => {
    const handler = new DeadLetterQueueHandler<EventMap>({ catalog, deadLetterTopic: 'orders-dead-letter', transport: setup.transport });
    expect(handler.deadLetterSubscription).toBe('orders-dead-letter.all');
  });

  it('refuses bad options with typed errors naming the option', () => {
    const base = { catalog, deadLetterTopic: 'dead-letter', transport: setup.transport };
    expect(() => new DeadLetterQueueHandler({ ...base, maxRetries: -1 })).toThrowError(
      expect.objectContaining({ code: 'DLQ_CONFIG_INVALID', message: "Dead-letter option 'maxRetries': must be a non-negative integer, got -1" }),
    );
    expect(() => new DeadLetterQueueHandler({ ...base, handlerTimeoutMs: 0 })).toThrowError(
      expect.objectContaining({ code: 'DLQ_CONFIG_INVALID' }),
    );
    expect(() => new DeadLetterQueueHandler({ ...base, retryTopic: 'r' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_RESOURCE_ID' }),
    );
  });

  it('closes what it opened when start-up fails', async () => {
    const handler = new DeadLetterQueueHandler<EventMap>({
      catalog,
      transport: setup.transport,
      deadLetterTopic: setup.deadLetterTopic,
      databaseUrl: 'mysql://nope',
    });
    await expect(handler.startProcessing(() => 'discard')).rejects.toMatchObject({ code: 'STORE_CONFIGURATION' });
    await handler.close();
    // The caller's transport is left open for its other users.
    expect(await setup.transport.topicExists(setup.topic)).toBe(true);
    await setup.transport.publish(setup.topic, wireMessage(catalog, userCreated()));
  });
});
