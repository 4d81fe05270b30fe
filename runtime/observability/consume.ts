/**
 * The subscriber's hooks: a CONSUMER span `process <subscription>` per delivery, child of the
 * producer span named by `ce-traceparent` (so publish and handler share one trace, and a publish
 * inside the handler is a child of the process span); a PRODUCER span `send <dead-letter topic>`
 * for each dead-letter decision; the consumer-side counters and histograms.
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { ReceivedMessage } from '../transport/transport.js';
import { ATTR, MESSAGING_SYSTEM } from './attributes.js';
import { errorType } from './errors.js';
import { recordFailure } from './publish.js';
import type { OtelApi } from './otel-api.js';
import type { Telemetry } from './telemetry.js';
import {
  contextFromAttributes,
  TRACEPARENT_ATTRIBUTE,
  TRACESTATE_ATTRIBUTE,
  traceHeadersOf,
  withTraceHeaders,
} from './trace-context.js';
import { MAX_ATTRIBUTES } from '../defaults.js';

export interface ConsumeTarget {
  readonly subscription: string;
  readonly topic: string;
  readonly transportKind: string;
}

export interface DeadLetterHook {
  /** The dead-letter message's attributes, its trace context now the dead-letter span's. */
  readonly attributes: Record<string, string>;
  sent(): void;
  failed(error: unknown): void;
}

const UNKNOWN_TYPE = '_unknown';

export class ConsumeTelemetry {
  /** The process span of each delivery being handled (found without relying on a context manager). */
  private readonly processing = new WeakMap<ReceivedMessage, Span>();

  constructor(
    private readonly telemetry: Telemetry,
    private readonly target: ConsumeTarget,
  ) {}

  /** Runs one delivery's processing inside its process span (and times it). */
  process<T extends string>(message: ReceivedMessage, run: () => Promise<T>): Promise<T> {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    if (!tracer && !instruments) return run();
    const eventType = message.attributes['ce-type'] ?? UNKNOWN_TYPE;
    const metricAttributes = this.metricAttributes(eventType);
    if (instruments && message.deliveryAttempt > 1) instruments.redelivered.add(1, metricAttributes);
    const started = performance.now();
    const finish = (outcome: string): void => {
      instruments?.processDuration.record((performance.now() - started) / 1000, {
        ...metricAttributes,
        [ATTR.operationName]: 'process',
        [ATTR.outcome]: outcome,
      });
    };
    if (!tracer) {
      return run().then((outcome) => {
        finish(outcome);
        return outcome;
      });
    }
    const api = this.telemetry.api()!;
    const parent = contextFromAttributes(api, message.attributes) ?? api.context.active();
    const attributes: Attributes = {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.subscription]: this.target.subscription,
      [ATTR.destination]: this.target.topic,
      [ATTR.operationName]: 'process',
      [ATTR.operationType]: 'process',
      [ATTR.messageId]: message.id,
      [ATTR.bodySize]: message.data.length,
      [ATTR.deliveryAttempt]: message.deliveryAttempt,
      [ATTR.eventType]: eventType,
      [ATTR.transport]: this.target.transportKind,
    };
    const optional: [string, string | undefined][] = [
      [ATTR.eventId, message.attributes['ce-id']],
      [ATTR.eventSource, message.attributes['ce-source']],
      [ATTR.eventSubject, message.attributes['ce-subject']],
      [ATTR.eventSpecVersion, message.attributes['ce-specversion']],
      [ATTR.conversationId, message.attributes['ce-correlationid']],
      [ATTR.orderingKey, message.orderingKey || undefined],
    ];
    for (const [key, value] of optional) if (value !== undefined) attributes[key] = value;
    const span = tracer.startSpan(
      `process ${this.target.subscription}`,
      { kind: api.SpanKind.CONSUMER, attributes },
      parent,
    );
    this.processing.set(message, span);
    return api.context.with(api.trace.setSpan(parent, span), run).then(
      (outcome) => {
        this.processing.delete(message);
        span.setAttribute(ATTR.outcome, outcome);
        span.end();
        finish(outcome);
        return outcome;
      },
      (error: unknown) => {
        this.processing.delete(message);
        recordFailure(api, span, error);
        span.end();
        finish('error');
        throw error;
      },
    );
  }

  /** The handler returned: counts it and the end-to-end latency from the event's occurredAt. */
  handled(message: ReceivedMessage): void {
    const instruments = this.telemetry.instruments();
    if (!instruments) return;
    const attributes = this.metricAttributes(message.attributes['ce-type'] ?? UNKNOWN_TYPE);
    instruments.handled.add(1, attributes);
    const occurredAt = Date.parse(message.attributes['ce-time'] ?? '');
    if (!Number.isNaN(occurredAt)) instruments.latency.record(Math.max(0, Date.now() - occurredAt) / 1000, attributes);
  }

  /** The handler threw (any attempt): marks the process span and counts the failure. */
  failed(message: ReceivedMessage, error: unknown): void {
    const type = errorType(error);
    const api = this.telemetry.api();
    const span = this.processing.get(message);
    if (span && api) recordFailure(api, span, error, type);
    this.telemetry.instruments()?.failed.add(1, {
      ...this.metricAttributes(message.attributes['ce-type'] ?? UNKNOWN_TYPE),
      [ATTR.operationName]: 'process',
      [ATTR.errorType]: type,
    });
  }

  /** A dead-letter decision: a span around the publish to the dead-letter topic, and its counter. */
  deadLetter(
    deadLetterTopic: string,
    message: ReceivedMessage,
    errorCode: string,
    reason: string,
    attributes: Record<string, string>,
  ): DeadLetterHook | undefined {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    if (!tracer && !instruments) return undefined;
    const eventType = message.attributes['ce-type'] ?? UNKNOWN_TYPE;
    const metricAttributes: Attributes = { ...this.metricAttributes(eventType), [ATTR.errorType]: errorCode };
    let span: Span | undefined;
    let sentAttributes = attributes;
    const api = this.telemetry.api()!;
    if (tracer) {
      span = tracer.startSpan(
        `send ${deadLetterTopic}`,
        {
          kind: api.SpanKind.PRODUCER,
          attributes: {
            [ATTR.messagingSystem]: MESSAGING_SYSTEM,
            [ATTR.destination]: deadLetterTopic,
            [ATTR.operationName]: 'send',
            [ATTR.operationType]: 'send',
            [ATTR.subscription]: this.target.subscription,
            [ATTR.eventType]: eventType,
            [ATTR.errorType]: errorCode,
            [ATTR.deadLetterReason]: reason,
            [ATTR.deliveryAttempt]: message.deliveryAttempt,
          },
        },
        parentContextOf(api, this.processing.get(message)),
      );
      const traced = withTraceHeaders(
        attributes,
        traceHeadersOf(span.spanContext()),
        TRACEPARENT_ATTRIBUTE,
        TRACESTATE_ATTRIBUTE,
      );
      // deadLetterAttributes keeps room for its own attributes only: never pass Pub/Sub's limit.
      if (traced.count <= MAX_ATTRIBUTES) sentAttributes = traced.record;
    }
    return {
      attributes: sentAttributes,
      sent: () => {
        instruments?.deadLettered.add(1, metricAttributes);
        span?.end();
      },
      failed: (error) => {
        if (span) {
          recordFailure(api, span, error);
          span.end();
        }
      },
    };
  }

  private metricAttributes(eventType: string): Attributes {
    return {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.subscription]: this.target.subscription,
      [ATTR.eventType]: eventType,
    };
  }
}

/** Reports in-flight handlers and subscription states while registered; returns the unregister function. */
export function observeSubscriber(
  telemetry: Telemetry,
  read: () => readonly { subscription: string; eventType: string; inFlight: number; state: string }[],
): () => void {
  const stopInFlight = telemetry.observe('inFlight', (record) => {
    for (const entry of read())
      record(entry.inFlight, { [ATTR.subscription]: entry.subscription, [ATTR.eventType]: entry.eventType });
  });
  const stopStates = telemetry.observe('subscriptions', (record) => {
    const byState = new Map<string, number>([
      ['open', 0],
      ['closing', 0],
    ]);
    for (const entry of read()) byState.set(entry.state, (byState.get(entry.state) ?? 0) + 1);
    for (const [state, count] of byState) record(count, { [ATTR.subscriptionState]: state });
  });
  return () => {
    stopInFlight();
    stopStates();
  };
}

/** The active context with `span` as its span (the process span, when known). */
function parentContextOf(api: OtelApi, span: Span | undefined): Context {
  const active = api.context.active();
  return span ? api.trace.setSpan(active, span) : active;
}
