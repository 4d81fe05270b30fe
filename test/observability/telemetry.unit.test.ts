/** The logger, W3C traceparent handling, and the "off" paths: no provider registered, no API installed, disabled. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, metrics, trace } from '@opentelemetry/api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher, EventSubscriber, InProcessTransport, jsonLogger, Telemetry, type DeliveryContext, type EventCatalog, type LogLevel, type ObservabilityOptions } from '../../runtime/index.js';
import { INSTRUMENTS } from '../../runtime/observability/instruments.js';
import { parseTraceparent, TRACEPARENT_ATTRIBUTE } from '../../runtime/observability/trace-context.js';
import { setOtelApiForTesting } from '../../runtime/observability/otel-api.js';
import { loadRegistryCatalog, repoRoot } from '../support/registry-catalog.js';
import { exampleEvent } from '../runtime/support/examples.js';
import { uniqueName, waitUntil } from '../runtime/support/wait.js';
import { ensureContextManager, otelHarness, type OtelHarness } from './support/otel.js';

let catalog: EventCatalog;
let harness: OtelHarness | undefined;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
  ensureContextManager();
});
afterEach(async () => {
  setOtelApiForTesting(undefined);
  trace.disable();
  metrics.disable();
  ensureContextManager();
  await harness?.shutdown();
  harness = undefined;
});

describe('jsonLogger', () => {
  function capture(level?: LogLevel) {
    const lines: string[] = [];
    const logger = jsonLogger({
      ...(level && { level }),
      write: (line) => lines.push(line),
      now: () => new Date('2026-01-01T00:00:00.000Z'),
      fields: { service: 'billing' },
    });
    return { lines, logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  }

  it('writes one JSON object per line with level, message and fields; errors as name, message, code and stack', () => {
    const { lines, logger, records } = capture();
    const error = Object.assign(new Error('broker down'), { code: 'UNAVAILABLE' });
    logger.log('error', 'subscription error', { subscription: 'clone-sub.user.created', error });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.trimEnd()).not.toContain('\n');
    expect(records()[0]).toMatchObject({
      time: '2026-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'subscription error',
      service: 'billing',
      subscription: 'clone-sub.user.created',
      error: {
        name: 'Error',
        message: 'broker down',
        code: 'UNAVAILABLE',
        stack: expect.stringContaining('broker down'),
      },
    });
  });

  it('drops records below its level (default info)', () => {
    const { records, logger } = capture();
    logger.log('debug', 'noise');
    logger.log('info', 'kept');
    const warnOnly = capture('warn');
    warnOnly.logger.log('info', 'dropped');
    warnOnly.logger.log('warn', 'kept');
    expect(records().map((record) => record.msg)).toEqual(['kept']);
    expect(warnOnly.records().map((record) => record.msg)).toEqual(['kept']);
  });

  it('carries trace_id and span_id inside an active span', () => {
    harness = otelHarness();
    const { records, logger } = capture();
    const span = harness.tracerProvider.getTracer('test').startSpan('work');
    context.with(trace.setSpan(context.active(), span), () => logger.log('info', 'inside'));
    logger.log('info', 'outside');
    span.end();
    expect(records()[0]).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    expect(records()[1]!.trace_id).toBeUndefined();
  });

  it('is what a subscriber reports its errors to when no onError is given', async () => {
    const { records, logger } = capture();
    const transport = new InProcessTransport({ projectId: 'otel' });
    const deadLetterTopic = uniqueName('otel-dlq');
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      topicPrefix: uniqueName('otel'),
      subscriptionPrefix: uniqueName('otel-sub'),
      deadLetterTopic,
      observability: { logger },
    });
    const subscription = await subscriber.subscribe({ eventType: 'user.created', handler: () => undefined });
    // Garbage the subscriber must dead-letter, while the dead-letter topic is gone: the failure is logged.
    await transport.deleteTopic(deadLetterTopic);
    await transport.publish(subscription.topic, { data: Buffer.from('not an event'), attributes: {} });
    await waitUntil(() => records().some((record) => record.level === 'error'), 'an error record');
    expect(records().find((record) => record.level === 'error')).toMatchObject({
      msg: 'subscription error',
      subscription: subscription.subscription,
      error: { code: 'DEAD_LETTER_FAILED' },
    });
    await subscriber.close();
    await transport.close();
  });
});

describe('traceparent', () => {
  it('parses W3C version 00 and ignores what the spec says to ignore', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01`)).toEqual({
      traceId: id,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-00`)?.traceFlags).toBe(0);
    // A later version may add fields; version 00 may not.
    expect(parseTraceparent(`01-${id}-00f067aa0ba902b7-01-extra`)?.traceId).toBe(id);
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01-extra`)).toBeUndefined();
    expect(parseTraceparent(`ff-${id}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${id}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${id.toUpperCase()}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });
});

describe('telemetry off', () => {
  async function roundTrip(observability: ObservabilityOptions | undefined): Promise<DeliveryContext> {
    const transport = new InProcessTransport({ projectId: 'otel' });
    const publisher = new EventPublisher({
      catalog,
      transport,
      topicPrefix: uniqueName('otel'),
      ...(observability && { observability }),
    });
    const subscriber = new EventSubscriber({
      catalog,
      transport,
      topicPrefix: publisher.topicPrefix,
      subscriptionPrefix: uniqueName('otel-sub'),
      deadLetterTopic: uniqueName('otel-dlq'),
      ...(observability && { observability }),
    });
    const deliveries: DeliveryContext[] = [];
    await subscriber.subscribe({
      eventType: 'user.created',
      handler: (_event, delivery) => void deliveries.push(delivery),
    });
    await publisher.publish(exampleEvent(catalog, 'user.created', uniqueName('user')));
    await waitUntil(() => deliveries.length === 1, 'the delivery');
    await subscriber.close();
    await publisher.close();
    await transport.close();
    return deliveries[0]!;
  }

  it('without a registered provider there is no tracer, no instrument, no ce-traceparent', async () => {
    const telemetry = new Telemetry();
    expect(telemetry.tracer()).toBeUndefined();
    expect(telemetry.instruments()).toBeUndefined();
    const delivery = await roundTrip(undefined);
    expect(delivery.attributes[TRACEPARENT_ATTRIBUTE]).toBeUndefined();
  });

  it('picks up providers registered globally after the component was built', async () => {
    const telemetry = new Telemetry();
    expect(telemetry.tracer()).toBeUndefined();
    harness = otelHarness();
    trace.setGlobalTracerProvider(harness.tracerProvider);
    metrics.setGlobalMeterProvider(harness.meterProvider);
    expect(telemetry.tracer()).toBeDefined();
    expect(telemetry.instruments()).toBeDefined();
    const delivery = await roundTrip(undefined);
    expect(delivery.attributes[TRACEPARENT_ATTRIBUTE]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(harness.spans().map((span) => span.name.split(' ')[0])).toEqual(expect.arrayContaining(['send', 'process']));
  });

  it('without @opentelemetry/api installed, or with enabled: false, providers are ignored and events still flow', async () => {
    harness = otelHarness();
    setOtelApiForTesting(null);
    expect((await roundTrip(harness.observability)).attributes[TRACEPARENT_ATTRIBUTE]).toBeUndefined();
    setOtelApiForTesting(undefined);
    expect(
      (await roundTrip({ ...harness.observability, enabled: false })).attributes[TRACEPARENT_ATTRIBUTE],
    ).toBeUndefined();
    expect(harness.spans()).toHaveLength(0);
    expect((await harness.metrics()).size).toBe(0);
  });
});

describe('docs/observability.md', () => {
  it('documents every instrument with its kind, unit and attributes', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'observability.md'), 'utf8');
    for (const definition of Object.values(INSTRUMENTS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${definition.name}\` |`));
      expect(row, definition.name).toBeDefined();
      const [, kind, unit, attributes] = row!.split(' | ');
      expect(kind, definition.name).toBe(definition.kind);
      expect(unit, definition.name).toBe(`\`${definition.unit}\``);
      for (const attribute of definition.attributes) expect(attributes, definition.name).toContain(`\`${attribute}\``);
    }
  });
});
