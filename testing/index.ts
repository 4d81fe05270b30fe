/**
 * `@clone/event-bus/testing`: helpers for testing services built on the SDK. Test code only —
 * it is its own entry point so that nothing here (fast-check included) is loaded in production.
 */
export { TestBus, createTestBus, TEST_DEAD_LETTER_TOPIC, DEFAULT_SETTLE_TIMEOUT_MILLISECONDS } from './test-bus.js';
export type { TestBusOptions, PublishedEvent, DeadLetteredEvent } from './test-bus.js';
export { RecordingTransport } from './recording-transport.js';
export type { RecordedMessage, PublishFailure, RecordingTransportOptions } from './recording-transport.js';
export { ReducerSpec } from './reducer-spec.js';
export { ProjectionSpec } from './projection-spec.js';
export type { ProjectionSpecOptions, ReadModelQuery } from './projection-spec.js';
export type { ReducerSpecOptions } from './reducer-spec.js';
export { EventSamples, SampleGenerationError } from './samples.js';
export type { EventSamplesOptions, SampleOptions, SampleEventOptions } from './samples.js';
export { arbitraryForSchema } from './arbitrary.js';
export type { ArbitraryOptions } from './arbitrary.js';
export { EventAssertionError, firstMismatch } from './match.js';
export type { DeepPartial, ErrorExpectation } from './match.js';
