/**
 * Every metric the runtime records, in one table (docs/observability.md lists the same and a
 * test asserts they agree). Counters count events by `cloudevents.event_type`; durations are
 * histograms in seconds, as OpenTelemetry's semantic conventions prefer.
 */
import type { Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { ATTR } from './attributes.js';

export type InstrumentKind = 'counter' | 'histogram' | 'gauge';

export interface InstrumentDefinition {
  readonly name: string;
  readonly kind: InstrumentKind;
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly string[];
}

const PUBLISH = [ATTR.messagingSystem, ATTR.destination, ATTR.eventType] as const;
const CONSUME = [ATTR.messagingSystem, ATTR.subscription, ATTR.eventType] as const;
/** Seconds; from a millisecond to a few minutes. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const INSTRUMENTS = {
  published: {
    name: 'event_bus.events.published',
    kind: 'counter',
    unit: '{event}',
    description: 'Events the broker acknowledged (publisher, outbox relay and replay publishes alike).',
    attributes: PUBLISH,
  },
  failed: {
    name: 'event_bus.events.failed',
    kind: 'counter',
    unit: '{event}',
    description:
      'Failures: a publish the broker refused (messaging.operation.name = send) or a handler that threw (process, every attempt).',
    attributes: [
      ATTR.messagingSystem,
      ATTR.operationName,
      ATTR.destination,
      ATTR.subscription,
      ATTR.eventType,
      ATTR.errorType,
    ],
  },
  handled: {
    name: 'event_bus.events.handled',
    kind: 'counter',
    unit: '{event}',
    description: 'Deliveries whose handler returned (the message is acked).',
    attributes: CONSUME,
  },
  deadLettered: {
    name: 'event_bus.events.dead_lettered',
    kind: 'counter',
    unit: '{event}',
    description: 'Messages the subscriber sent to the dead-letter topic; error.type is the reason code.',
    attributes: [...CONSUME, ATTR.errorType],
  },
  parked: {
    name: 'event_bus.events.parked',
    kind: 'counter',
    unit: '{event}',
    description: 'Dead letters the dead-letter handler parked for a person (manual, or retries exhausted).',
    attributes: [ATTR.eventType, ATTR.parkReason],
  },
  redelivered: {
    name: 'event_bus.events.redelivered',
    kind: 'counter',
    unit: '{event}',
    description: 'Deliveries with a delivery attempt above 1.',
    attributes: CONSUME,
  },
  processDuration: {
    name: 'messaging.process.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from receiving a message to settling it (decode, validate, handler, dead-lettering).',
    attributes: [...CONSUME, ATTR.operationName, ATTR.outcome],
  },
  latency: {
    name: 'event_bus.event.latency',
    kind: 'histogram',
    unit: 's',
    description: "End-to-end latency: from the event's occurredAt to its handler returning.",
    attributes: CONSUME,
  },
  relayLag: {
    name: 'event_bus.outbox.relay.lag',
    kind: 'histogram',
    unit: 's',
    description: 'From the append committing an event to the relay publishing it.',
    attributes: [ATTR.destination, ATTR.eventType],
  },
  outboxPending: {
    name: 'event_bus.outbox.pending',
    kind: 'gauge',
    unit: '{row}',
    description: 'Outbox rows not yet relayed (observed while a relay runs).',
    attributes: [ATTR.destination],
  },
  outboxLag: {
    name: 'event_bus.outbox.lag',
    kind: 'gauge',
    unit: 's',
    description: 'Age of the oldest outbox row not yet relayed; 0 when none is pending.',
    attributes: [ATTR.destination],
  },
  inFlight: {
    name: 'event_bus.subscriber.in_flight',
    kind: 'gauge',
    unit: '{message}',
    description: 'Handlers running right now, per subscription.',
    attributes: [ATTR.subscription, ATTR.eventType],
  },
  subscriptions: {
    name: 'event_bus.subscriber.subscriptions',
    kind: 'gauge',
    unit: '{subscription}',
    description: 'Subscriptions of the subscriber by state (open, closing).',
    attributes: [ATTR.subscriptionState],
  },
} as const satisfies Record<string, InstrumentDefinition>;

type Defs = typeof INSTRUMENTS;
type CounterKey = { [K in keyof Defs]: Defs[K]['kind'] extends 'counter' ? K : never }[keyof Defs];
type HistogramKey = { [K in keyof Defs]: Defs[K]['kind'] extends 'histogram' ? K : never }[keyof Defs];
export type GaugeKey = { [K in keyof Defs]: Defs[K]['kind'] extends 'gauge' ? K : never }[keyof Defs];

export type Instruments = { readonly [K in CounterKey]: Counter } & { readonly [K in HistogramKey]: Histogram } & {
  readonly meter: Meter;
};

export function createInstruments(meter: Meter): Instruments {
  const made: Record<string, unknown> = { meter };
  for (const [key, definition] of Object.entries(INSTRUMENTS) as [keyof Defs, InstrumentDefinition][]) {
    const options = { unit: definition.unit, description: definition.description };
    if (definition.kind === 'counter') made[key] = meter.createCounter(definition.name, options);
    else if (definition.kind === 'histogram') {
      made[key] = meter.createHistogram(definition.name, {
        ...options,
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      });
    }
  }
  return made as Instruments;
}

export function createGauge(meter: Meter, key: GaugeKey): ObservableGauge {
  const definition = INSTRUMENTS[key];
  return meter.createObservableGauge(definition.name, { unit: definition.unit, description: definition.description });
}
