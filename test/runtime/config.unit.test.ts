import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InProcessTransport,
  InvalidResourceIdError,
  PubSubTransport,
  readEventBusConfig,
} from '../../runtime/index.js';
import { deadLetterSubscriptionIdFor, subscriptionIdFor, topicIdFor } from '../../runtime/config.js';
import { sharedInProcess } from '../../runtime/transport/in-process.js';
import { resolveTransport } from '../../runtime/transport/select.js';

describe('configuration from the environment', () => {
  it('reads every variable, with defaults for the missing ones', () => {
    expect(readEventBusConfig({})).toEqual({
      projectId: undefined,
      emulatorHost: undefined,
      topicPrefix: 'clone',
      subscriptionPrefix: 'clone-sub',
      eventStoreTopic: 'clone-event-store',
      deadLetterTopic: 'clone-dead-letter',
      transport: undefined,
    });
    expect(
      readEventBusConfig({
        GCP_PROJECT_ID: 'p1',
        PUBSUB_EMULATOR_HOST: '127.0.0.1:8085',
        EVENT_BUS_TOPIC_PREFIX: 'acme',
        EVENT_BUS_SUBSCRIPTION_PREFIX: 'acme-sub',
        EVENT_STORE_TOPIC: 'acme-store',
        DEAD_LETTER_TOPIC: 'acme-dlq',
        EVENT_BUS_TRANSPORT: 'in-process',
      }),
    ).toEqual({
      projectId: 'p1',
      emulatorHost: '127.0.0.1:8085',
      topicPrefix: 'acme',
      subscriptionPrefix: 'acme-sub',
      eventStoreTopic: 'acme-store',
      deadLetterTopic: 'acme-dlq',
      transport: 'in-process',
    });
  });

  it('refuses an unknown EVENT_BUS_TRANSPORT', () => {
    expect(() => readEventBusConfig({ EVENT_BUS_TRANSPORT: 'kafka' })).toThrow(ConfigError);
  });
});

describe('resource names', () => {
  it('builds topic and subscription ids from prefixes', () => {
    expect(topicIdFor('clone', 'user.created')).toBe('clone.user.created');
    expect(subscriptionIdFor('clone-sub', 'user.created')).toBe('clone-sub.user.created');
    expect(subscriptionIdFor('clone-sub', 'user.created', 'billing')).toBe('clone-sub.billing.user.created');
    expect(deadLetterSubscriptionIdFor('clone-dead-letter')).toBe('clone-dead-letter.all');
  });

  it('refuses ids Pub/Sub refuses', () => {
    expect(() => topicIdFor('', 'ab')).toThrow(InvalidResourceIdError);
    expect(() => topicIdFor('1clone', 'user.created')).toThrow(/start with a letter/);
    expect(() => topicIdFor('goog', 'user.created')).toThrow(/goog/);
    expect(() => subscriptionIdFor('clone sub', 'user.created')).toThrow(InvalidResourceIdError);
  });
});

describe('transport choice (decision 0030)', () => {
  const none = readEventBusConfig({});

  it('uses a given Transport instance as is, and does not own it', () => {
    const transport = new InProcessTransport();
    expect(resolveTransport(transport, none, undefined)).toEqual({ transport, owned: false });
  });

  it("defaults to the shared in-process transport when no project is configured", () => {
    expect(resolveTransport(undefined, none, undefined)).toEqual({ transport: sharedInProcess(), owned: false });
  });

  it('picks Pub/Sub when a project id or an emulator is configured', async () => {
    for (const [config, projectId] of [
      [none, 'p1'],
      [readEventBusConfig({ GCP_PROJECT_ID: 'p2' }), undefined],
      [readEventBusConfig({ PUBSUB_EMULATOR_HOST: '127.0.0.1:1' }), undefined],
    ] as const) {
      const { transport, owned } = resolveTransport(undefined, config, projectId);
      expect(transport).toBeInstanceOf(PubSubTransport);
      expect(owned).toBe(true);
      await transport.close();
    }
  });

  it('lets EVENT_BUS_TRANSPORT and the option override the rule', async () => {
    const forced = readEventBusConfig({ GCP_PROJECT_ID: 'p', EVENT_BUS_TRANSPORT: 'in-process' });
    expect(resolveTransport(undefined, forced, 'p').transport).toBe(sharedInProcess());
    const chosen = resolveTransport('pubsub', none, 'p');
    expect(chosen.transport).toBeInstanceOf(PubSubTransport);
    await chosen.transport.close();
    expect(resolveTransport('in-process', readEventBusConfig({ GCP_PROJECT_ID: 'p' }), 'p').transport).toBe(sharedInProcess());
  });

  it('builds the Pub/Sub client with the configured project id', async () => {
    const { transport } = resolveTransport('pubsub', readEventBusConfig({ GCP_PROJECT_ID: 'proj-x' }), undefined);
    expect((transport as PubSubTransport).projectId).toBe('proj-x');
    await transport.close();
  });
});
