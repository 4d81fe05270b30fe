/**
 * Dead-letter handling end to end on Google's Pub/Sub emulator with PostgreSQL: the runtime's
 * publisher and subscriber, the DeadLetterQueueHandler, and the real `event-bus dlq` command.
 * Every test uses its own topic prefix, subscriptions and SQL schema.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catalog, EventPublisher, EventSubscriber, type AnyVersionEventMap, type EventMap } from '../../generated/index.js';

/** What a subscriber without upcasters hands a user.created handler: any version. */
type UserCreatedEvent = AnyVersionEventMap['user.created'];
import { DeadLetterQueueHandler, type DeadLetterHandlerFn } from '../../runtime/dlq/handler.js';
import type { DeadLetterMessage } from '../../runtime/dlq/message.js';
import { idempotent, InMemoryIdempotencyStore } from '../../runtime/idempotency.js';
import { PubSubTransport } from '../../runtime/transport/pubsub.js';
import type { ReceivedMessage } from '../../runtime/transport/transport.js';
import { repoRoot } from '../support/registry-catalog.js';
import { allSettled, uniqueName, userCreated, waitFor, wireMessage } from './support.js';
import { parkedMessagesOf } from '../../ops/dlq/index.js';

const run = promisify(execFile);
const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
/** Fast redelivery on the emulator: no backoff between attempts. */
const retryPolicy = { minimumBackoffSeconds: 0, maximumBackoffSeconds: 1 };

const schemas: string[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

afterAll(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

/** One isolated world: topic prefix, consumer, dead-letter topic, database schema. */
function world() {
  const id = randomBytes(4).toString('hex');
  const postgresSchema = `dlq_int_${id}`;
  schemas.push(postgresSchema);
  const names = {
    topicPrefix: `t${id}`,
    subscriptionPrefix: `s${id}`,
    deadLetterTopic: `dl${id}`,
    deadLetterSubscription: `dl${id}.handler`,
    postgresSchema,
  };
  const publisher = new EventPublisher({ projectId, topicPrefix: names.topicPrefix, enableOrdering: true, transport: 'pubsub' });
  const subscriber = new EventSubscriber({
    projectId,
    topicPrefix: names.topicPrefix,
    subscriptionPrefix: names.subscriptionPrefix,
    deadLetterTopic: names.deadLetterTopic,
    maxDeliveryAttempts: 5,
    retryPolicy,
    ackDeadlineSeconds: 10,
    transport: 'pubsub',
    onError: () => undefined,
  });
  closers.push(() => publisher.close(), () => subscriber.close());

  async function startHandler(
    decide: DeadLetterHandlerFn<EventMap>,
    options: { retryTopic?: string; maxRetries?: number; maxMessages?: number } = {},
  ) {
    const seen: DeadLetterMessage<EventMap>[] = [];
    const handler = new DeadLetterQueueHandler<EventMap>({
      catalog,
      projectId,
      transport: 'pubsub',
      topicPrefix: names.topicPrefix,
      deadLetterTopic: names.deadLetterTopic,
      deadLetterSubscription: names.deadLetterSubscription,
      maxRetries: options.maxRetries ?? 3,
      databaseUrl: process.env.DATABASE_URL!,
      postgresSchema: names.postgresSchema,
      actor: 'dlq-int-test',
      flowControl: { maxMessages: options.maxMessages ?? 10 },
      onError: () => undefined,
      ...(options.retryTopic !== undefined && { retryTopic: options.retryTopic }),
    });
    closers.push(() => handler.close());
    await handler.startProcessing((message) => {
      seen.push(message);
      return decide(message);
    });
    return { handler, seen };
  }

  return { names, publisher, subscriber, startHandler };
}

/** Runs the real CLI (tsx, as `npm run event-bus` does) and returns its exit code and output. */
async function eventBus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'cli/bin.ts', ...args], {
      cwd: repoRoot,
      env: process.env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('dead letters on the Pub/Sub emulator', () => {
  it('a poison event is dead-lettered after maxDeliveryAttempts; a retry succeeds once the consumer is fixed', async () => {
    const { names, publisher, subscriber, startHandler } = world();
    let broken = true;
    const handled: UserCreatedEvent[] = [];
    const attempts: number[] = [];
    const subscription = await subscriber.subscribe({
      eventType: 'user.created',
      handler: async (event, context) => {
        attempts.push(context.deliveryAttempt);
        if (broken) throw new Error('consumer bug: cannot handle this user');
        handled.push(event);
      },
    });
    const { handler, seen } = await startHandler(() => {
      broken = false; // the fix is deployed
      return 'retry';
    });
    const event = userCreated('Poison Pill');
    await publisher.publish(event);

    await waitFor(() => handled.length === 1 && allSettled(handler.counts), 'the retried event to be handled', 60_000);
    expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    const [message] = seen;
    expect(message?.decoded).toBe(true);
    if (!message?.decoded) return;
    expect(message.originalEvent).toEqual(event);
    expect(message).toMatchObject({
      deliveryAttempts: 5,
      failureCode: 'HANDLER_FAILED',
      sourceSubscription: subscription.subscription,
      sourceTopic: `${names.topicPrefix}.user.created`,
      retryCount: 0,
    });
    expect(message.failureReason).toContain('consumer bug');
    expect(handled[0]).toEqual(event);
    expect(handler.counts).toMatchObject({ received: 1, retried: 1, parked: 0, discarded: 0 });
    const audit = await parkedMessagesOf(handler).audit({ action: 'retry' });
    expect(audit.map((entry) => entry.eventId)).toEqual([event.eventId]);
  });

  it('a discard acks and is audited with who, why and when', async () => {
    const { subscriber, publisher, startHandler } = world();
    await subscriber.subscribe({
      eventType: 'user.created',
      handler: () => {
        throw new Error('always fails');
      },
    });
    const { handler } = await startHandler(() => ({ action: 'discard', reason: 'test sign-up from a load test' }));
    const event = userCreated();
    const before = new Date();
    await publisher.publish(event);

    await waitFor(() => handler.counts.discarded === 1, 'the discard', 60_000);
    const audit = await parkedMessagesOf(handler).audit({ action: 'discard' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      eventId: event.eventId,
      eventType: 'user.created',
      actor: 'dlq-int-test',
      reason: 'test sign-up from a load test',
      details: { failureCode: 'HANDLER_FAILED', deliveryAttempts: 5 },
    });
    expect(audit[0]!.at.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(await parkedMessagesOf(handler).list({ status: 'all' })).toEqual([]);
  });

  it('a manual park is requeued by `event-bus dlq requeue` and then handled', async () => {
    const { names, subscriber, publisher, startHandler } = world();
    let broken = true;
    const handled: UserCreatedEvent[] = [];
    await subscriber.subscribe({
      eventType: 'user.created',
      handler: (event) => {
        if (broken) throw new Error('downstream CRM is down');
        handled.push(event);
      },
    });
    const { handler } = await startHandler(() => ({ action: 'manual', reason: 'wait for the CRM' }));
    const event = userCreated();
    await publisher.publish(event);
    await waitFor(() => handler.counts.parked === 1, 'the park', 60_000);

    const [parked] = await parkedMessagesOf(handler).list({ eventType: 'user.created' });
    expect(parked).toMatchObject({ eventId: event.eventId, parkReason: 'manual', status: 'parked' });

    broken = false;
    const database = ['--database-url', process.env.DATABASE_URL!, '--postgres-schema', names.postgresSchema];
    const requeued = await eventBus(['dlq', 'requeue', parked!.parkedId, ...database, '--project', projectId, '--actor', 'ops@example.com', '--reason', 'CRM is back']);
    expect(requeued.stderr).not.toContain('event-bus');
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toMatch(new RegExp(`^requeued ${parked!.parkedId} to ${names.topicPrefix}\\.user\\.created as message \\S+\\n$`));

    await waitFor(() => handled.length === 1, 'the requeued event to be handled', 60_000);
    expect(handled[0]).toEqual(event);
    expect(await parkedMessagesOf(handler).show(parked!.parkedId)).toMatchObject({ status: 'requeued', resolvedBy: 'ops@example.com', resolutionReason: 'CRM is back' });
    const audit = await parkedMessagesOf(handler).audit({ parkedId: parked!.parkedId });
    expect(audit.map((entry) => [entry.action, entry.actor, entry.reason])).toEqual([
      ['park', 'dlq-int-test', 'wait for the CRM'],
      ['requeue', 'ops@example.com', 'CRM is back'],
    ]);
    const again = await eventBus(['dlq', 'requeue', parked!.parkedId, ...database, '--project', projectId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("its status is 'requeued'");
  });

  it("reads Pub/Sub's own dead-letter attributes and retries through the retry topic", async () => {
    const { names, startHandler } = world();
    const transport = new PubSubTransport({ projectId });
    closers.push(() => transport.close());
    const topic = `${names.topicPrefix}.user.created`;
    const subscription = uniqueName('raw');
    const retryTopic = uniqueName('retry');
    await transport.ensureTopic(topic);
    await transport.ensureTopic(names.deadLetterTopic);
    await transport.ensureTopic(retryTopic);
    await transport.ensureSubscription(`${retryTopic}.sub`, { topic: retryTopic });
    // The handler's subscription must exist before Pub/Sub forwards anything to the topic.
    const { handler, seen } = await startHandler(() => 'retry', { retryTopic });
    await transport.ensureSubscription(subscription, {
      topic,
      deadLetterPolicy: { deadLetterTopic: names.deadLetterTopic, maxDeliveryAttempts: 5 },
      retryPolicy,
    });
    const onRetryTopic: ReceivedMessage[] = [];
    transport.subscribe(`${retryTopic}.sub`, (message) => {
      onRetryTopic.push(message);
      message.ack();
    });
    transport.subscribe(subscription, (message) => message.nack());
    const event = userCreated();
    await transport.publish(topic, wireMessage(catalog, event));

    await waitFor(() => onRetryTopic.length === 1 && allSettled(handler.counts), 'the retry on the retry topic', 90_000);
    expect(seen[0]).toMatchObject({
      decoded: true,
      eventId: event.eventId,
      failureCode: 'MAX_DELIVERY_ATTEMPTS_EXCEEDED',
      sourceSubscription: subscription,
      sourceTopic: topic,
    });
    expect(seen[0]!.deliveryAttempts).toBeGreaterThanOrEqual(5);
    expect(onRetryTopic[0]!.attributes).toMatchObject({
      'ce-id': event.eventId,
      'event-bus-retry-count': '1',
      'event-bus-origin-topic': topic,
      'event-bus-retry-for-subscription': subscription,
    });
    expect(onRetryTopic[0]!.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBeUndefined();
    expect(handler.counts.retried).toBe(1);
  });

  it('an event that can never decode reaches the handler as raw bytes and is parked intact', async () => {
    const { names, subscriber, startHandler } = world();
    const handled: UserCreatedEvent[] = [];
    await subscriber.subscribe({ eventType: 'user.created', handler: (event) => void handled.push(event) });
    const { handler, seen } = await startHandler(() => 'manual');
    const transport = new PubSubTransport({ projectId });
    closers.push(() => transport.close());
    const wire = wireMessage(catalog, userCreated());
    const garbage = Buffer.from('{"userId": not json', 'utf8');
    await transport.publish(`${names.topicPrefix}.user.created`, { data: garbage, attributes: wire.attributes });

    await waitFor(() => handler.counts.parked === 1, 'the park', 60_000);
    const [message] = seen;
    expect(message?.decoded).toBe(false);
    if (message?.decoded !== false) return;
    expect(message.failureCode).toBe('PAYLOAD_DECODE_FAILED');
    expect(message.decodeFailure.code).toBe('PAYLOAD_DECODE_FAILED');
    expect(message.originalEvent.data.toString('utf8')).toBe(garbage.toString('utf8'));
    const [parked] = await parkedMessagesOf(handler).list();
    expect(parked!.data.equals(garbage)).toBe(true);
    expect(parked!.failureCode).toBe('PAYLOAD_DECODE_FAILED');
    expect(handled).toEqual([]);
  });

  it('500 events with 50 poison: handled + discarded + parked = 500, none lost, none handled twice', async () => {
    const { publisher, subscriber, startHandler } = world();
    const events = Array.from({ length: 500 }, (_, index) => userCreated(`User ${index}`, { poison: index % 10 === 0 }));
    const poison = events.filter((event) => event.metadata.poison === 'true');
    expect(poison).toHaveLength(50);
    // The poison events' fate: the first 20 are retried (after a fix), 15 discarded, 15 parked.
    const fate = new Map(poison.map((event, index) => [event.eventId, index < 20 ? 'retry' : index < 35 ? 'discard' : 'manual'] as const));
    const fixed = new Set<string>();
    const handledRuns = new Map<string, number>();

    await subscriber.subscribe({
      eventType: 'user.created',
      flowControl: { maxMessages: 200 },
      handler: idempotent<UserCreatedEvent>(
        (event) => {
          if (event.metadata.poison === 'true' && !fixed.has(event.eventId)) throw new Error('poison');
          handledRuns.set(event.eventId, (handledRuns.get(event.eventId) ?? 0) + 1);
        },
        { store: new InMemoryIdempotencyStore() },
      ),
    });
    const { handler } = await startHandler(
      (message) => {
        const decision = fate.get(message.eventId ?? '') ?? 'manual';
        if (decision === 'retry') fixed.add(message.eventId!);
        return decision;
      },
      { maxMessages: 50 },
    );
    await publisher.publishMany(events);

    await waitFor(
      () => handledRuns.size + handler.counts.discarded + handler.counts.parked === 500 && allSettled(handler.counts),
      'every event to be handled, discarded or parked',
      120_000,
    );
    const discarded = (await parkedMessagesOf(handler).audit({ action: 'discard' })).map((entry) => entry.eventId!);
    const parked = (await parkedMessagesOf(handler).list({ limit: 1000 })).map((message) => message.eventId!);
    expect(handledRuns.size).toBe(470);
    expect(discarded).toHaveLength(15);
    expect(parked).toHaveLength(15);
    // None lost: every published event is in exactly one bucket.
    const buckets = [...handledRuns.keys(), ...discarded, ...parked];
    expect(new Set(buckets).size).toBe(500);
    expect(new Set(buckets)).toEqual(new Set(events.map((event) => event.eventId)));
    // None handled twice.
    expect([...handledRuns.values()].every((runs) => runs === 1)).toBe(true);
    expect(handler.counts).toMatchObject({ retried: 20, discarded: 15, parked: 15, parkedRetriesExhausted: 0 });
    // The durable counts agree (what `event-bus dlq stats` prints).
    expect(await parkedMessagesOf(handler).countAuditByAction()).toEqual({ retry: 20, park: 15, discard: 15, requeue: 0, 'discard-parked': 0 });
    expect(discarded.every((id) => fate.get(id) === 'discard')).toBe(true);
    expect(parked.every((id) => fate.get(id) === 'manual')).toBe(true);
  });
});
