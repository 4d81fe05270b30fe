/**
 * What every component holds: a way to the tracer, the instruments and the logger. Tracer and
 * meter are looked up on each use, so a provider registered after a component was built is
 * picked up; when none is registered (or the API is not installed) `tracer()` and
 * `instruments()` answer undefined and the hooks skip all work — the "off" path is a couple of
 * property reads, measured by `npm run bench -- observability`.
 */
import type {
  Attributes,
  MeterProvider,
  ObservableGauge,
  ObservableResult,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from './attributes.js';
import { createGauge, createInstruments, type GaugeKey, type Instruments } from './instruments.js';
import { defaultLogger, type Logger } from './logger.js';
import { otelApi, type OtelApi } from './otel-api.js';

export interface ObservabilityOptions {
  /** Default: the globally registered tracer provider (`trace.setGlobalTracerProvider`). */
  tracerProvider?: TracerProvider;
  /** Default: the globally registered meter provider (`metrics.setGlobalMeterProvider`). */
  meterProvider?: MeterProvider;
  /** Default: one JSON line per record on stderr (`jsonLogger()`). */
  logger?: Logger;
  /** false turns tracing and metrics off whatever is registered (the logger still works). */
  enabled?: boolean;
}

type ProxyLike = TracerProvider & { getDelegate?: () => TracerProvider };

/**
 * Where @opentelemetry/api 1.x keeps its global registrations (shared by every copy of the
 * package in the process). Reading it directly is the cheap "is anything registered?" test of
 * the off path; the API's own getters are used once something is.
 */
const GLOBAL_API_KEY = Symbol.for('opentelemetry.js.api.1');

function registered(kind: 'trace' | 'metrics'): boolean {
  const registry = (globalThis as { [GLOBAL_API_KEY]?: { trace?: unknown; metrics?: unknown } })[GLOBAL_API_KEY];
  return registry !== undefined && registry[kind] !== undefined;
}

export class Telemetry {
  readonly logger: Logger;
  private readonly options: ObservabilityOptions;
  private readonly enabled: boolean;
  private noopTracerProvider: TracerProvider | undefined;
  private tracerProvider: TracerProvider | undefined;
  private cachedTracer: Tracer | undefined;
  private meterProvider: MeterProvider | undefined;
  private cachedInstruments: Instruments | undefined;
  private gauges = new Map<GaugeKey, ObservableGauge>();

  constructor(options: ObservabilityOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? defaultLogger();
    this.enabled = options.enabled !== false;
  }

  /** The OpenTelemetry API when it is installed and telemetry is not turned off. */
  api(): OtelApi | undefined {
    return this.enabled ? otelApi() : undefined;
  }

  /** The tracer, or undefined when no tracer provider is registered (nothing to record). */
  tracer(): Tracer | undefined {
    if (this.options.tracerProvider === undefined && !registered('trace')) return undefined;
    const api = this.api();
    if (!api) return undefined;
    let provider: TracerProvider = this.options.tracerProvider ?? api.trace.getTracerProvider();
    const delegate = (provider as ProxyLike).getDelegate;
    if (typeof delegate === 'function') {
      provider = delegate.call(provider);
      this.noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
      if (provider === this.noopTracerProvider) return undefined;
    }
    if (provider !== this.tracerProvider) {
      this.tracerProvider = provider;
      this.cachedTracer = provider.getTracer(INSTRUMENTATION_SCOPE);
    }
    return this.cachedTracer;
  }

  /** The instruments, or undefined when no meter provider is registered. */
  instruments(): Instruments | undefined {
    if (this.options.meterProvider === undefined && !registered('metrics')) return undefined;
    const api = this.api();
    if (!api) return undefined;
    const provider = this.options.meterProvider ?? api.metrics.getMeterProvider();
    if (provider !== this.meterProvider) {
      this.meterProvider = provider;
      const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
      this.cachedInstruments = meter === api.createNoopMeter() ? undefined : createInstruments(meter);
      this.gauges.clear();
    }
    return this.cachedInstruments;
  }

  /**
   * Reports a gauge on every collection while registered; returns the unregister function.
   * Does nothing (and returns a no-op) without a meter provider.
   */
  observe(
    key: GaugeKey,
    observe: (record: (value: number, attributes?: Attributes) => void) => void | Promise<void>,
  ): () => void {
    const instruments = this.instruments();
    if (!instruments) return () => {};
    let gauge = this.gauges.get(key);
    if (!gauge) {
      gauge = createGauge(instruments.meter, key);
      this.gauges.set(key, gauge);
    }
    const callback = (result: ObservableResult): void | Promise<void> =>
      observe((value, attributes) => result.observe(value, attributes));
    gauge.addCallback(callback);
    const registered = gauge;
    return () => registered.removeCallback(callback);
  }
}

/** A Telemetry from a component's `observability` option (a Telemetry is passed through, so components can share one). */
export function telemetryFrom(options: ObservabilityOptions | Telemetry | undefined): Telemetry {
  return options instanceof Telemetry ? options : new Telemetry(options);
}
