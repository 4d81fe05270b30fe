/**
 * The runtime's logging port. Every long-lived component (publisher, subscriber, event store,
 * outbox relay, replayer, dead-letter handler) takes a `Logger` through its `observability`
 * option and never prints on its own. The default writes one JSON object per record to stderr.
 */
import { otelApi } from './otel-api.js';
import { redactSecrets } from '../redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

const LEVELS: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  /** Records below this level are dropped. Default: EVENT_BUS_LOG_LEVEL, then 'info'. */
  level?: LogLevel;
  /** Where lines go. Default: process.stderr. */
  write?: (line: string) => void;
  /** Fields added to every record (service name, ...). */
  fields?: LogFields;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * One JSON line per record: `{"time","level","msg",...fields}`; an `error` field is written as
 * `{name, message, code, stack}`; inside an active span the record carries `trace_id` and `span_id`.
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const envLevel = process.env.EVENT_BUS_LOG_LEVEL as LogLevel | undefined;
  const threshold = LEVELS[options.level ?? (envLevel && envLevel in LEVELS ? envLevel : 'info')];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  return {
    log(level, message, fields) {
      if (LEVELS[level] < threshold) return;
      const record: Record<string, unknown> = { time: now().toISOString(), level, msg: message, ...options.fields };
      if (fields) for (const [key, value] of Object.entries(fields)) record[key] = serializable(value);
      const span = otelApi()?.trace.getActiveSpan()?.spanContext();
      if (span && record.trace_id === undefined) {
        record.trace_id = span.traceId;
        record.span_id = span.spanId;
      }
      // One redaction for every line: no record ever carries a password or connection string.
      write(`${redactSecrets(safeStringify(record))}\n`);
    },
  };
}

/** Drops every record (for tests and benchmarks). */
export const silentLogger: Logger = { log() {} };

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code !== undefined && { code }),
      ...(value.stack !== undefined && { stack: value.stack }),
    };
  }
  return value;
}

function safeStringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return JSON.stringify({ time: record.time, level: record.level, msg: record.msg, fields: '[unserializable]' });
  }
}

let defaultLoggerInstance: Logger | undefined;

/** The process-wide default: a JSON logger on stderr, made once. */
export function defaultLogger(): Logger {
  defaultLoggerInstance ??= jsonLogger();
  return defaultLoggerInstance;
}
