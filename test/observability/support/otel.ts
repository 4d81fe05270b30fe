/**
 * The real OpenTelemetry SDK, wired the way an application would: an AsyncLocalStorage context
 * manager, a tracer provider exporting to memory, a meter provider read on demand.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { silentLogger, type ObservabilityOptions } from '../../../runtime/index.js';

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Installs the AsyncLocalStorage context manager once per worker (what NodeSDK does). */
export function ensureContextManager(): void {
  if (contextManager) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

export interface MetricPoint {
  readonly attributes: Record<string, unknown>;
  /** Counter/gauge value, or a histogram's count. */
  readonly value: number;
  readonly sum?: number;
}

export interface OtelHarness {
  readonly spanExporter: InMemorySpanExporter;
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  readonly observability: ObservabilityOptions;
  spans(): ReadableSpan[];
  /** Collects every metric now: name -> points. */
  metrics(): Promise<Map<string, { unit: string; points: MetricPoint[] }>>;
  shutdown(): Promise<void>;
}

export function otelHarness(): OtelHarness {
  ensureContextManager();
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    spanExporter,
    tracerProvider,
    meterProvider,
    observability: { tracerProvider, meterProvider, logger: silentLogger },
    spans: () => spanExporter.getFinishedSpans(),
    async metrics() {
      metricExporter.reset();
      await reader.forceFlush();
      const result = new Map<string, { unit: string; points: MetricPoint[] }>();
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            const points = (metric.dataPoints as DataPoint<number | Histogram>[]).map((point) =>
              typeof point.value === 'number'
                ? { attributes: { ...point.attributes }, value: point.value }
                : { attributes: { ...point.attributes }, value: point.value.count, sum: point.value.sum },
            );
            result.set(metric.descriptor.name, { unit: metric.descriptor.unit, points });
          }
        }
      }
      return result;
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** Sum of a metric's points whose attributes include `where`. */
export function total(
  metrics: Map<string, { points: MetricPoint[] }>,
  name: string,
  where: Record<string, unknown> = {},
): number {
  const points = metrics.get(name)?.points ?? [];
  return points
    .filter((point) => Object.entries(where).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + point.value, 0);
}
