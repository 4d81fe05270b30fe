/**
 * The publisher's hook: a PRODUCER span `send <topic>` per event, its context injected into the
 * message as `ce-traceparent` / `ce-tracestate`, and the published / failed counters.
 * Parent: the active span; without one, the trace context the event carries in its metadata
 * (an event read back from the store continues the trace of its append).
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { MAX_ATTRIBUTES } from '../defaults.js';
import type { AnyEventEnvelope } from '../envelope.js';
import type { OutgoingMessage } from '../transport/transport.js';
import { ATTR, MESSAGING_SYSTEM } from './attributes.js';
import { errorType } from './errors.js';
import type { Instruments } from './instruments.js';
import type { OtelApi } from './otel-api.js';
import type { Telemetry } from './telemetry.js';
import {
  contextFromMetadata,
  TRACEPARENT_ATTRIBUTE,
  TRACESTATE_ATTRIBUTE,
  traceHeadersOf,
  withTraceHeaders,
} from './trace-context.js';

export interface PublishHook {
  /** The message to send: with `ce-traceparent` when a span was started. */
  readonly message: OutgoingMessage;
  acked(messageId: string): void;
  failed(error: unknown): void;
}

export class PublishTelemetry {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly transportKind: string,
  ) {}

  /** undefined when neither a tracer nor a meter is registered: the publish then does nothing extra. */
  begin(topic: string, event: AnyEventEnvelope, message: OutgoingMessage): PublishHook | undefined {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    if (!tracer && !instruments) return undefined;
    const metricAttributes: Attributes = {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.destination]: topic,
      [ATTR.eventType]: event.eventType,
    };
    if (!tracer) return new MeteredPublish(message, instruments!, metricAttributes, undefined);
    const api = this.telemetry.api()!;
    const span = tracer.startSpan(
      `send ${topic}`,
      { kind: api.SpanKind.PRODUCER, attributes: this.spanAttributes(topic, event, message) },
      parentOf(api, event),
    );
    return new MeteredPublish(inject(message, span), instruments, metricAttributes, { api, span });
  }

  private spanAttributes(topic: string, event: AnyEventEnvelope, message: OutgoingMessage): Attributes {
    const attributes: Attributes = {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.destination]: topic,
      [ATTR.operationName]: 'send',
      [ATTR.operationType]: 'send',
      [ATTR.bodySize]: message.data.length,
      [ATTR.eventId]: event.eventId,
      [ATTR.eventType]: event.eventType,
      [ATTR.eventSubject]: event.aggregateId,
      [ATTR.eventSpecVersion]: '1.0',
      [ATTR.eventVersion]: event.eventVersion,
      [ATTR.transport]: this.transportKind,
    };
    const source = message.attributes['ce-source'];
    if (source !== undefined) attributes[ATTR.eventSource] = source;
    if (message.orderingKey !== undefined) attributes[ATTR.orderingKey] = message.orderingKey;
    if (event.correlationId !== undefined) attributes[ATTR.conversationId] = event.correlationId;
    return attributes;
  }
}

function parentOf(api: OtelApi, event: AnyEventEnvelope): Context {
  const active = api.context.active();
  if (api.trace.getSpanContext(active) !== undefined) return active;
  return contextFromMetadata(api, event.metadata) ?? active;
}

/** Adds the span's context to the attributes (unless that would pass Pub/Sub's 100-attribute limit). */
function inject(message: OutgoingMessage, span: Span): OutgoingMessage {
  const headers = traceHeadersOf(span.spanContext());
  const { record, count } = withTraceHeaders(message.attributes, headers, TRACEPARENT_ATTRIBUTE, TRACESTATE_ATTRIBUTE);
  if (count > MAX_ATTRIBUTES) return message;
  return message.orderingKey === undefined
    ? { data: message.data, attributes: record }
    : { data: message.data, attributes: record, orderingKey: message.orderingKey };
}

class MeteredPublish implements PublishHook {
  constructor(
    readonly message: OutgoingMessage,
    private readonly instruments: Instruments | undefined,
    private readonly metricAttributes: Attributes,
    private readonly traced: { api: OtelApi; span: Span } | undefined,
  ) {}

  acked(messageId: string): void {
    this.instruments?.published.add(1, this.metricAttributes);
    if (this.traced) {
      this.traced.span.setAttribute(ATTR.messageId, messageId);
      this.traced.span.end();
    }
  }

  failed(error: unknown): void {
    const type = errorType(error);
    this.instruments?.failed.add(1, { ...this.metricAttributes, [ATTR.operationName]: 'send', [ATTR.errorType]: type });
    if (this.traced) {
      const { api, span } = this.traced;
      recordFailure(api, span, error, type);
      span.end();
    }
  }
}

export function recordFailure(api: OtelApi, span: Span, error: unknown, type = errorType(error)): void {
  if (error instanceof Error) span.recordException(error);
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
