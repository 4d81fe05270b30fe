/**
 * W3C Trace Context on events. On the wire it travels in the attributes the CloudEvents
 * distributed-tracing extension names (`ce-traceparent`, `ce-tracestate`); in a stored event
 * it sits in `metadata.traceparent` / `metadata.tracestate` (where the append happened), so the
 * outbox relay and replay continue or link the trace of the append. Formatted and parsed here,
 * not by the globally registered propagator: the extension prescribes this format.
 */
import type { Context, SpanContext } from '@opentelemetry/api';
import type { OtelApi } from './otel-api.js';

export const TRACEPARENT_ATTRIBUTE = 'ce-traceparent';
export const TRACESTATE_ATTRIBUTE = 'ce-tracestate';
/** Metadata keys of a stored event's trace context (they travel as `meta-traceparent` / `meta-tracestate`). */
export const TRACEPARENT_METADATA_KEY = 'traceparent';
export const TRACESTATE_METADATA_KEY = 'tracestate';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^]*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

export interface TraceHeaders {
  traceparent: string;
  tracestate?: string;
}

export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${(spanContext.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** Parses a traceparent; undefined for anything the W3C spec says to ignore. */
export function parseTraceparent(
  value: string | undefined,
): { traceId: string; spanId: string; traceFlags: number } | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  return { traceId: traceId!, spanId: spanId!, traceFlags: parseInt(flags!, 16) & 1 };
}

export function traceHeadersOf(spanContext: SpanContext): TraceHeaders {
  const tracestate = spanContext.traceState?.serialize();
  return tracestate
    ? { traceparent: formatTraceparent(spanContext), tracestate }
    : { traceparent: formatTraceparent(spanContext) };
}

/** A remote parent context from a traceparent (and tracestate), or undefined when there is none. */
export function contextFromTraceHeaders(
  api: OtelApi,
  traceparent: string | undefined,
  tracestate: string | undefined,
): Context | undefined {
  const parsed = parseTraceparent(traceparent);
  if (!parsed) return undefined;
  return api.trace.setSpanContext(api.ROOT_CONTEXT, {
    ...parsed,
    isRemote: true,
    ...(tracestate ? { traceState: api.createTraceState(tracestate) } : {}),
  });
}

export function contextFromAttributes(api: OtelApi, attributes: Readonly<Record<string, string>>): Context | undefined {
  return contextFromTraceHeaders(api, attributes[TRACEPARENT_ATTRIBUTE], attributes[TRACESTATE_ATTRIBUTE]);
}

export function contextFromMetadata(
  api: OtelApi,
  metadata: Readonly<Record<string, string>> | undefined,
): Context | undefined {
  if (!metadata) return undefined;
  return contextFromTraceHeaders(api, metadata[TRACEPARENT_METADATA_KEY], metadata[TRACESTATE_METADATA_KEY]);
}

/** The trace id in a W3C traceparent (e.g. of a received message), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}

/**
 * A copy of `record` carrying `headers` under the two keys (an old tracestate is not kept), and
 * its entry count. Built by copying, never `delete`, so the result stays a fast object.
 */
export function withTraceHeaders(
  record: Readonly<Record<string, string>>,
  headers: TraceHeaders,
  parentKey: string,
  stateKey: string,
): { record: Record<string, string>; count: number } {
  const copy: Record<string, string> = {};
  let count = 0;
  for (const key in record) {
    if (key === parentKey || key === stateKey) continue;
    copy[key] = record[key]!;
    count += 1;
  }
  copy[parentKey] = headers.traceparent;
  count += 1;
  if (headers.tracestate !== undefined) {
    copy[stateKey] = headers.tracestate;
    count += 1;
  }
  return { record: copy, count };
}
