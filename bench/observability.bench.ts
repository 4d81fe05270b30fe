/**
 * What tracing and metrics cost on the in-process publish path (no I/O to hide it):
 * the generated EventPublisher publishing N events concurrently, resolved on ack, with
 * - disabled: `observability: { enabled: false }` — the hooks return at once (baseline);
 * - off: nothing registered, @opentelemetry/api installed — what an application gets by default;
 * - tracing: a real SDK tracer provider (always-on sampler, batch processor, discarding exporter);
 * - tracing + metrics: the same plus a meter provider with a reader.
 * Each round runs the variants in a fresh (seeded) random order; ratio = median of per-round ratios against `disabled`.
 * Markdown goes to stdout, progress to stderr.
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { InProcessTransport, silentLogger, Telemetry, type ObservabilityOptions } from '../runtime/index.js';
import { PublishTelemetry } from '../runtime/observability/publish.js';
import { EventPublisher } from '../generated/index.js';
import { userCreated } from './support/user-created.js';
import { sized } from './support/quick.js';

const ROUNDS = sized(101, 5);
const WARM_UP_ROUNDS = sized(3, 1);
const MESSAGES = sized(2_000, 200);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Counts what it is given and drops it: the SDK's work without an exporter's I/O. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

const exporter = new DiscardingExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 2048, scheduledDelayMillis: 50 }),
  ],
});
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    }),
  ],
});

const VARIANTS: Record<string, ObservabilityOptions> = {
  disabled: { enabled: false, logger: silentLogger },
  off: { logger: silentLogger },
  tracing: { tracerProvider, logger: silentLogger },
  'tracing + metrics': { tracerProvider, meterProvider, logger: silentLogger },
};

/** The publisher's hook alone, per call: what "off" adds to a publish, without the publish around it. */
function hookAlone(): string[] {
  const calls = 2_000_000;
  const event = userCreated(0);
  const message = { data: Buffer.from('{}'), attributes: { 'ce-id': event.eventId } };
  const hooks = {
    disabled: new PublishTelemetry(new Telemetry(VARIANTS.disabled), 'in-process'),
    off: new PublishTelemetry(new Telemetry(VARIANTS.off), 'in-process'),
  };
  const samples: Record<string, number[]> = { disabled: [], off: [] };
  for (let r = 0; r < 11; r++) {
    for (const name of (r % 2 === 0 ? ['disabled', 'off'] : ['off', 'disabled']) as (keyof typeof hooks)[]) {
      const hook = hooks[name];
      let none = 0;
      const started = performance.now();
      for (let i = 0; i < calls; i++) if (hook.begin('bench.user.created', event, message) === undefined) none++;
      if (none !== calls) throw new Error(`${name}: the hook started a span`);
      samples[name]!.push(((performance.now() - started) * 1e6) / calls);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return [
    `The hook alone (\`PublishTelemetry.begin\`, ${calls} calls × 11 alternating rounds, median ns per call): disabled ${median(samples.disabled!).toFixed(1)} ns, off (nothing registered) ${median(samples.off!).toFixed(1)} ns.`,
  ];
}

let seed = 0x9e3779b9;
function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

async function main(): Promise<void> {
  const transport = new InProcessTransport({ projectId: 'bench' });
  const publishers = Object.fromEntries(
    Object.entries(VARIANTS).map(([name, observability]) => [
      name,
      new EventPublisher({ transport, topicPrefix: 'bench', observability }),
    ]),
  );
  const events = Array.from({ length: MESSAGES }, (_, i) => userCreated(i));
  const round = async (publisher: EventPublisher): Promise<number> => {
    const started = performance.now();
    await Promise.all(events.map((event) => publisher.publish(event)));
    return MESSAGES / ((performance.now() - started) / 1000);
  };
  const names = Object.keys(VARIANTS);
  for (let warmUp = 0; warmUp < WARM_UP_ROUNDS; warmUp++) for (const name of names) await round(publishers[name]!);
  const results: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // A fresh random order each round (seeded): a rotation would always put the same variant right
    // after the tracing ones and make it pay for their garbage.
    const order = shuffle(names);
    for (const name of order) results[name]!.push(await round(publishers[name]!));
    if ((r + 1) % 10 !== 0) continue;
    log(
      `observability round ${r + 1}: ${names.map((name) => `${name} ${results[name]!.at(-1)!.toFixed(0)}/s`).join(', ')}`,
    );
  }
  await tracerProvider.forceFlush();
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const base = results.disabled!;
  const lines = [
    `In-process publish of user.created v2 through the generated \`EventPublisher\`, ${MESSAGES} concurrent publishes per round, resolved on ack; ${ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up rounds, in a random order each round (seeded). Ratio = median (and interquartile range) of per-round throughput ratios against \`disabled\` (the hooks return at once); "added" = per-message time over \`disabled\` from the median throughputs. Tracing: SDK \`BasicTracerProvider\`, always-on sampler, \`BatchSpanProcessor\`, an exporter that drops spans (${exporter.exported} spans exported). ${cpus().length} cores, Node ${process.versions.node}.`,
    '',
    '| variant | publish throughput (msg/s) | ratio vs disabled | ratio IQR | added per publish (µs) |',
    '|---|---:|---:|---:|---:|',
    ...names.map((name) => {
      const values = results[name]!;
      const ratios = values.map((value, i) => value / base[i]!).sort((a, b) => a - b);
      const ratio = median(ratios);
      const quartile = (q: number): string => ratios[Math.floor((ratios.length - 1) * q)]!.toFixed(2);
      const added = (1 / median(values) - 1 / median(base)) * 1e6;
      return `| ${name} | ${median(values).toFixed(0)} | ${ratio.toFixed(2)} | ${quartile(0.25)}–${quartile(0.75)} | ${name === 'disabled' ? '—' : added.toFixed(2)} |`;
    }),
  ];
  lines.push('', ...hookAlone());
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const publisher of Object.values(publishers)) await publisher.close();
  await transport.close();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
}

await main();
