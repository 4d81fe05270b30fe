export { ATTR, INSTRUMENTATION_SCOPE, MESSAGING_SYSTEM } from './attributes.js';
export { INSTRUMENTS, type InstrumentDefinition, type InstrumentKind } from './instruments.js';
export {
  defaultLogger,
  jsonLogger,
  silentLogger,
  type JsonLoggerOptions,
  type LogFields,
  type Logger,
  type LogLevel,
} from './logger.js';
export { Telemetry, telemetryFrom, type ObservabilityOptions } from './telemetry.js';
export {
  contextFromAttributes,
  contextFromMetadata,
  formatTraceparent,
  parseTraceparent,
  traceIdOf,
  TRACEPARENT_ATTRIBUTE,
  TRACEPARENT_METADATA_KEY,
  TRACESTATE_ATTRIBUTE,
  TRACESTATE_METADATA_KEY,
} from './trace-context.js';
