/**
 * Hooks of the event store, the outbox relay, replay and the dead-letter handler.
 * - append: span `append <aggregate type>`; its trace context is written into each appended
 *   event's metadata (`traceparent`, `tracestate`), so whoever reads the event later can continue
 *   (outbox relay) or link (replay) the trace of the append.
 * - relay: span `relay <topic>` per event, child of the append's context; the publisher's
 *   `send` span is its child. Lag histogram; pending / lag gauges while a relay runs.
 * - replay: span `replay` for a run, `replay <event type>` per event, linked to its append.
 * - dead-letter decisions: span `dlq <retry|park|discard>`, child of the dead-letter span; parked counter.
 */
import type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
import { MAX_ATTRIBUTES } from '../defaults.js';
import type { AnyEventEnvelope } from '../envelope.js';
import type { OutgoingMessage } from '../transport/transport.js';
import { ATTR } from './attributes.js';
import { recordFailure } from './publish.js';
import type { OtelApi } from './otel-api.js';
import type { Telemetry } from './telemetry.js';
import {
  contextFromAttributes,
  contextFromMetadata,
  TRACEPARENT_ATTRIBUTE,
  TRACEPARENT_METADATA_KEY,
  TRACESTATE_ATTRIBUTE,
  TRACESTATE_METADATA_KEY,
  traceHeadersOf,
  withTraceHeaders,
} from './trace-context.js';

/** Runs `work` inside a new span (ended when it settles; a failure marks it). */
export function inSpan<T>(
  api: OtelApi,
  tracer: Tracer,
  name: string,
  options: { attributes?: Attributes; parent?: Context | undefined; links?: Link[]; kind?: number },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? api.context.active();
  const span = tracer.startSpan(
    name,
    {
      kind: options.kind ?? api.SpanKind.INTERNAL,
      ...(options.attributes && { attributes: options.attributes }),
      ...(options.links && { links: options.links }),
    },
    parent,
  );
  return api.context
    .with(api.trace.setSpan(parent, span), () => work(span))
    .then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        recordFailure(api, span, error);
        span.end();
        throw error;
      },
    );
}

export class StoreTelemetry {
  constructor(private readonly telemetry: Telemetry) {}

  /** Wraps an append; `run` receives the events to write (with trace metadata when tracing). */
  append<E extends AnyEventEnvelope, R extends { nextExpectedVersion: number }>(
    database: 'sqlite' | 'postgres',
    stream: { aggregateType: string; aggregateId: string },
    events: readonly E[],
    expectedVersion: number | string,
    run: (events: readonly E[]) => Promise<R>,
  ): Promise<R> {
    const tracer = this.telemetry.tracer();
    if (!tracer) return run(events);
    const api = this.telemetry.api()!;
    return inSpan(
      api,
      tracer,
      `append ${stream.aggregateType}`,
      {
        attributes: {
          [ATTR.dbSystem]: database === 'postgres' ? 'postgresql' : 'sqlite',
          [ATTR.aggregateType]: stream.aggregateType,
          [ATTR.aggregateId]: stream.aggregateId,
          [ATTR.eventCount]: events.length,
          [ATTR.expectedVersion]: String(expectedVersion),
          ...(events.length === 1 && { [ATTR.eventId]: events[0]!.eventId, [ATTR.eventType]: events[0]!.eventType }),
        },
      },
      async (span) => {
        const headers = traceHeadersOf(span.spanContext());
        const traced = events.map((event) => ({
          ...event,
          metadata: withTraceHeaders(event.metadata ?? {}, headers, TRACEPARENT_METADATA_KEY, TRACESTATE_METADATA_KEY)
            .record,
        }));
        const result = await run(traced);
        span.setAttribute(ATTR.streamVersion, result.nextExpectedVersion);
        return result;
      },
    );
  }

  /** One relayed event: a span continuing its append's trace around the publish. */
  relay<T>(topic: string, event: AnyEventEnvelope, publish: () => Promise<T>): Promise<T> {
    const tracer = this.telemetry.tracer();
    if (!tracer) return publish();
    const api = this.telemetry.api()!;
    return inSpan(
      api,
      tracer,
      `relay ${topic}`,
      {
        parent: contextFromMetadata(api, event.metadata),
        attributes: {
          [ATTR.destination]: topic,
          [ATTR.eventId]: event.eventId,
          [ATTR.eventType]: event.eventType,
          [ATTR.aggregateType]: event.aggregateType,
          [ATTR.aggregateId]: event.aggregateId,
        },
      },
      () => publish(),
    );
  }

  /** The relay published an event `lagMilliseconds` after its append committed. */
  relayed(topic: string, eventType: string, lagMilliseconds: number): void {
    this.telemetry.instruments()?.relayLag.record(Math.max(0, lagMilliseconds) / 1000, {
      [ATTR.destination]: topic,
      [ATTR.eventType]: eventType,
    });
  }

  /** Outbox gauges, reported while registered; returns the unregister function. */
  observeOutbox(topic: string, read: () => Promise<{ pending: number; lagMilliseconds: number }>): () => void {
    const attributes = { [ATTR.destination]: topic };
    let latest: Promise<{ pending: number; lagMilliseconds: number } | undefined> | undefined;
    // Both gauges are collected together: read the outbox once per collection.
    const once = (): Promise<{ pending: number; lagMilliseconds: number } | undefined> => {
      latest ??= read()
        .catch(() => undefined)
        .finally(() => setImmediate(() => (latest = undefined)));
      return latest;
    };
    const stopPending = this.telemetry.observe('outboxPending', async (record) => {
      const stats = await once();
      if (stats) record(stats.pending, attributes);
    });
    const stopLag = this.telemetry.observe('outboxLag', async (record) => {
      const stats = await once();
      if (stats) record(stats.lagMilliseconds / 1000, attributes);
    });
    return () => {
      stopPending();
      stopLag();
    };
  }

  /** A replay run. */
  replay<T extends { processed: number }>(
    mode: 'handler' | 'republish',
    from: Date,
    to: Date,
    run: () => Promise<T>,
  ): Promise<T> {
    const tracer = this.telemetry.tracer();
    if (!tracer) return run();
    const api = this.telemetry.api()!;
    return inSpan(
      api,
      tracer,
      'replay',
      {
        attributes: {
          [ATTR.replayFrom]: from.toISOString(),
          [ATTR.replayTo]: to.toISOString(),
          'event_bus.replay.mode': mode,
        },
      },
      async (span) => {
        const result = await run();
        span.setAttribute(ATTR.replayProcessed, result.processed);
        return result;
      },
    );
  }

  /** One replayed event: child of the replay span, linked to the trace of its append. */
  replayEvent<T>(event: AnyEventEnvelope, work: () => Promise<T>): Promise<T> {
    const tracer = this.telemetry.tracer();
    if (!tracer) return work();
    const api = this.telemetry.api()!;
    const appended = contextFromMetadata(api, event.metadata);
    const appendedSpan = appended && api.trace.getSpanContext(appended);
    return inSpan(
      api,
      tracer,
      `replay ${event.eventType}`,
      {
        attributes: {
          [ATTR.eventId]: event.eventId,
          [ATTR.eventType]: event.eventType,
          [ATTR.aggregateId]: event.aggregateId,
        },
        ...(appendedSpan && { links: [{ context: appendedSpan }] }),
      },
      () => work(),
    );
  }

  /** A dead-letter handler decision, child of the dead-letter span the message carries. */
  dlqDecision<T, P extends { kind: 'retry' | 'park' | 'discard'; parkReason?: string; message?: OutgoingMessage }>(
    decision: P,
    message: {
      attributes: Readonly<Record<string, string>>;
      eventType: string | undefined;
      eventId: string | undefined;
      failureCode: string | undefined;
    },
    /** Carries out the decision; a retry's message then names the decision span in ce-traceparent. */
    work: (decision: P) => Promise<T>,
  ): Promise<T> {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    const count = (): void => {
      if (decision.kind === 'park') {
        instruments?.parked.add(1, {
          [ATTR.eventType]: message.eventType ?? '_unknown',
          [ATTR.parkReason]: decision.parkReason ?? 'manual',
        });
      }
    };
    if (!tracer) {
      if (!instruments) return work(decision);
      return work(decision).then((result) => {
        count();
        return result;
      });
    }
    const api = this.telemetry.api()!;
    const attributes: Attributes = { [ATTR.dlqDecision]: decision.kind };
    if (decision.parkReason !== undefined) attributes[ATTR.parkReason] = decision.parkReason;
    if (message.eventType !== undefined) attributes[ATTR.eventType] = message.eventType;
    if (message.eventId !== undefined) attributes[ATTR.eventId] = message.eventId;
    if (message.failureCode !== undefined) attributes[ATTR.errorType] = message.failureCode;
    return inSpan(
      api,
      tracer,
      `dlq ${decision.kind}`,
      { parent: contextFromAttributes(api, message.attributes), attributes },
      async (span) => {
        let traced = decision;
        if (decision.message) {
          const headers = traceHeadersOf(span.spanContext());
          const { record, count: attributeCount } = withTraceHeaders(
            decision.message.attributes,
            headers,
            TRACEPARENT_ATTRIBUTE,
            TRACESTATE_ATTRIBUTE,
          );
          if (attributeCount <= MAX_ATTRIBUTES)
            traced = { ...decision, message: { ...decision.message, attributes: record } };
        }
        const result = await work(traced);
        count();
        return result;
      },
    );
  }
}
