import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { IMPLICIT_IN_PROCESS_NOTICE } from '../../runtime/transport/select.js';
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

  it("honours Google's own project variables after GCP_PROJECT_ID", () => {
    expect(readEventBusConfig({ GOOGLE_CLOUD_PROJECT: 'g1' }).projectId).toBe('g1');
    expect(readEventBusConfig({ GCLOUD_PROJECT: 'g2' }).projectId).toBe('g2');
    expect(readEventBusConfig({ GOOGLE_CLOUD_PROJECT: 'g1', GCLOUD_PROJECT: 'g2' }).projectId).toBe('g1');
    expect(readEventBusConfig({ GCP_PROJECT_ID: 'p', GOOGLE_CLOUD_PROJECT: 'g1', GCLOUD_PROJECT: 'g2' }).projectId).toBe('p');
    expect(readEventBusConfig({ GCP_PROJECT_ID: ' ', GOOGLE_CLOUD_PROJECT: 'g1' }).projectId).toBe('g1');
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

  it('picks Pub/Sub with only GOOGLE_CLOUD_PROJECT or GCLOUD_PROJECT set, on that project', async () => {
    for (const env of [{ GOOGLE_CLOUD_PROJECT: 'gcp-a' }, { GCLOUD_PROJECT: 'gcp-a' }]) {
      const { transport, owned } = resolveTransport(undefined, readEventBusConfig(env), undefined, env);
      expect(transport).toBeInstanceOf(PubSubTransport);
      expect((transport as PubSubTransport).projectId).toBe('gcp-a');
      expect(owned).toBe(true);
      await transport.close();
    }
  });

  it('builds the Pub/Sub client with the configured project id', async () => {
    const { transport } = resolveTransport('pubsub', readEventBusConfig({ GCP_PROJECT_ID: 'proj-x' }), undefined);
    expect((transport as PubSubTransport).projectId).toBe('proj-x');
    await transport.close();
  });
});

describe('the implicit in-process transport says so (outside tests)', () => {
  const root = path.resolve(import.meta.dirname, '..', '..');
  // A separate process: the notice is once per process, and this one runs under vitest (silent).
  const script = `
    import { EventPublisher, EventSubscriber } from './runtime/index.ts';
    const catalog = { events: {} };
    const publisher = new EventPublisher({ catalog });
    new EventSubscriber({ catalog });
    process.stdout.write(publisher.transport.kind);
  `;
  const run = async (env: Record<string, string>) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) =>
          !['VITEST', 'NODE_ENV', 'EVENT_BUS_TRANSPORT', 'PUBSUB_EMULATOR_HOST', 'GCP_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'].includes(key) &&
          !key.startsWith('VITEST_'),
      ),
    );
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, env: { ...clean, ...env } },
    );
    return { kind: stdout, lines: stderr.split('\n').filter((line) => line.includes('[event-bus]')) };
  };

  it('prints one line, once per process, naming the reason and how to choose Pub/Sub', async () => {
    const { kind, lines } = await run({});
    expect(kind).toBe('in-process');
    expect(lines).toEqual([IMPLICIT_IN_PROCESS_NOTICE]);
    expect(IMPLICIT_IN_PROCESS_NOTICE).toMatch(/GOOGLE_CLOUD_PROJECT/);
    expect(IMPLICIT_IN_PROCESS_NOTICE).toMatch(/EVENT_BUS_TRANSPORT=pubsub/);
  }, 60_000);

  it('stays silent when the choice is explicit, under a test runner, or Pub/Sub is chosen', async () => {
    expect(await run({ EVENT_BUS_TRANSPORT: 'in-process' })).toEqual({ kind: 'in-process', lines: [] });
    expect(await run({ NODE_ENV: 'test' })).toEqual({ kind: 'in-process', lines: [] });
    expect(await run({ GOOGLE_CLOUD_PROJECT: 'gcp-a' })).toEqual({ kind: 'pubsub', lines: [] });
  }, 60_000);
});
