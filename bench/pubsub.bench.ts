/**
 * Typed runtime vs raw client, same bytes, same broker, same run:
 * - Pub/Sub emulator: EventPublisher/EventSubscriber (validate, encode, CloudEvents attributes,
 *   decode, validate again) against @google-cloud/pubsub publishing the identical data and attributes;
 * - in-process: the same typed path against raw Transport.publish/subscribe.
 * Publish throughput: N concurrent publishes, resolved on server ack. End-to-end latency: one
 * message at a time, publish call to handler start. Rounds alternate typed/raw; medians reported.
 * Starts the emulator (test/support/services.ts) unless PUBSUB_EMULATOR_HOST is set.
 * Markdown goes to stdout, progress to stderr.
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import type { Message } from '@google-cloud/pubsub';
import {
  InProcessTransport,
  PubSubTransport,
  type Transport,
} from '../runtime/index.js';
import { envelopeToAttributes } from '../runtime/cloudevents.js';
import { payloadCodecs } from '../runtime/codec/avro.js';
import { createPubSubClient } from '../runtime/transport/pubsub.js';
import { EventPublisher, EventSubscriber, catalog, type UserCreatedEvent } from '../generated/index.js';
import { userCreated } from './support/user-created.js';
import { startPubSubEmulator, type RunningService } from '../test/support/services.js';
import { sized } from './support/quick.js';

const ROUNDS = sized(5, 1);
/** Discarded rounds of each path first: the emulator's JVM speeds up a lot over its first seconds. */
const WARM_UP_ROUNDS = sized(2, 0);
const PUBSUB_THROUGHPUT_MESSAGES = sized(5000, 200);
const PUBSUB_LATENCY_MESSAGES = sized(120, 10);
const IN_PROCESS_THROUGHPUT_MESSAGES = sized(20_000, 500);
const IN_PROCESS_LATENCY_MESSAGES = sized(1000, 20);
/** Passed as it is to both paths (typed publisher and raw client topic); maxBytes is the client's default. */
const BATCHING = { maxMessages: 100, maxMilliseconds: 10, maxBytes: 1024 * 1024 };
/** Latency runs send each message at once (a batch of one), for typed and raw alike. */
const LATENCY_BATCHING = { maxMessages: 1, maxMilliseconds: 1 };
const PROJECT = 'event-bus-bench';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const codecs = payloadCodecs();

/**
 * The exact bytes and attributes the typed publisher sends for `event`: the topic's encoding from
 * the catalog (Avro JSON for user.created), encoded once up front — the raw path only sends.
 * `assertSameBytes` checks this against what the typed publisher really puts on the transport.
 */
function rawMessage(event: UserCreatedEvent): { data: Buffer; attributes: Record<string, string> } {
  const entry = catalog.events[event.eventType]!;
  const version = entry.versions[event.eventVersion]!;
  const encoding = entry.payloadEncoding ?? 'json';
  return {
    data: codecs[encoding].encode(version, event.payload),
    attributes: envelopeToAttributes(event, { source: '//clone/event-bus', dataschema: version.schemaId, encoding }),
  };
}

async function assertSameBytes(): Promise<void> {
  const transport = new InProcessTransport();
  const publisher = new EventPublisher({ transport, topicPrefix: unique('same') });
  const topic = publisher.topicFor('user.created');
  await transport.ensureTopic(topic);
  await transport.ensureSubscription(`${topic}-check`, { topic });
  const event = userCreated(1);
  const received = new Promise<{ data: Buffer; attributes: Readonly<Record<string, string>> }>((resolve) => {
    transport.subscribe(`${topic}-check`, (message) => {
      message.ack();
      resolve(message);
    });
  });
  await publisher.publish(event);
  const typed = await received;
  const raw = rawMessage(event);
  if (!typed.data.equals(raw.data) || JSON.stringify(typed.attributes) !== JSON.stringify(raw.attributes)) {
    throw new Error('bench: the raw path would not send the bytes the typed path sends; the comparison would be unfair');
  }
  await transport.close();
}

/** Runs `work`, records its CPU time per message (µs) in `cpu`, returns messages per second of wall time. */
async function throughputRound(count: number, cpu: number[], work: () => Promise<unknown>): Promise<number> {
  const startCpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(startCpu);
  cpu.push((used.user + used.system) / count);
  return count / (wall / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

let nameCounter = 0;
const unique = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${nameCounter++}`;

interface Figures {
  throughput: number[];
  /** CPU time of this process per published message (µs), per throughput round. */
  cpu: number[];
  latencies: number[];
}

/** Sends messages one at a time; `send` publishes message i, `arrived(i)` resolves when its handler starts. */
async function measureLatency(count: number, send: (i: number) => Promise<unknown>, waiter: Waiter): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const arrived = waiter.expect(i);
    const start = performance.now();
    await send(i);
    await arrived;
    latencies.push(performance.now() - start);
  }
  return latencies;
}

/** Resolves expectations by message index as handlers see them. */
class Waiter {
  private readonly pending = new Map<number, () => void>();
  expect(i: number): Promise<void> {
    return new Promise((resolve) => this.pending.set(i, resolve));
  }
  arrived(i: number): void {
    const resolve = this.pending.get(i);
    this.pending.delete(i);
    resolve?.();
  }
}

async function benchPubSub(): Promise<{ typed: Figures; raw: Figures }> {
  const typed: Figures = { throughput: [], cpu: [], latencies: [] };
  const raw: Figures = { throughput: [], cpu: [], latencies: [] };
  // Built like the runtime's own client, so the typed layer is the only difference.
  const rawClient = createPubSubClient({ projectId: PROJECT });
  const transport = new PubSubTransport({ projectId: PROJECT });
  try {
    // Throughput: same bytes, same batching, N concurrent publishes resolved on server ack.
    const events = Array.from({ length: PUBSUB_THROUGHPUT_MESSAGES }, (_, i) => userCreated(i));
    const messages = events.map(rawMessage);
    const typedThroughput = async (): Promise<number> => {
      const publisher = new EventPublisher({ transport, topicPrefix: unique('bench'), batching: BATCHING });
      await transport.ensureTopic(publisher.topicFor('user.created'));
      await publisher.publish(userCreated(999_999)); // open the channel
      const rate = await throughputRound(events.length, typed.cpu, () => Promise.all(events.map((event) => publisher.publish(event))));
      await publisher.close();
      return rate;
    };
    const rawThroughput = async (): Promise<number> => {
      const rawTopic = rawClient.topic(unique('bench-raw'), { batching: BATCHING });
      await rawTopic.create();
      await rawTopic.publishMessage(messages[0]!);
      const rate = await throughputRound(messages.length, raw.cpu, () => Promise.all(messages.map((message) => rawTopic.publishMessage(message))));
      await rawTopic.flush();
      return rate;
    };
    await alternate('pubsub throughput', typedThroughput, rawThroughput, typed.throughput, raw.throughput);

    // End-to-end latency: publish call to handler start, one message at a time. Both
    // subscriptions have the same settings (dead-letter and retry policy, no ordering).
    const latencyEvents = Array.from({ length: PUBSUB_LATENCY_MESSAGES }, (_, i) => userCreated(i));
    const latencyMessages = latencyEvents.map(rawMessage);
    const indexById = new Map(latencyEvents.map((event, i) => [event.eventId, i]));
    const deadLetterTopic = unique('lat-dlq');
    await transport.ensureTopic(deadLetterTopic);
    const subscriptionSettings = {
      enableMessageOrdering: false,
      deadLetterPolicy: { deadLetterTopic, maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
      ackDeadlineSeconds: 30,
    };
    const typedLatency = async (): Promise<number[]> => {
      const topicPrefix = unique('lat');
      const publisher = new EventPublisher({ transport, topicPrefix, batching: LATENCY_BATCHING });
      const subscriber = new EventSubscriber({ transport, topicPrefix, subscriptionPrefix: unique('lat-sub'), deadLetterTopic, enableMessageOrdering: false });
      const waiter = new Waiter();
      await subscriber.subscribe({ eventType: 'user.created', handler: (event) => waiter.arrived(indexById.get(event.eventId) ?? -1) });
      const latencies = await measureLatency(latencyEvents.length, (i) => publisher.publish(latencyEvents[i]!), waiter);
      await subscriber.close();
      await publisher.close();
      return latencies;
    };
    const rawLatency = async (): Promise<number[]> => {
      const topic = unique('lat-raw');
      const subscription = unique('lat-raw-sub');
      await transport.ensureTopic(topic);
      await transport.ensureSubscription(subscription, { topic, ...subscriptionSettings });
      const rawSubscription = rawClient.subscription(subscription);
      const waiter = new Waiter();
      rawSubscription.on('message', (message: Message) => {
        waiter.arrived(indexById.get(message.attributes['ce-id']!) ?? -1);
        message.ack();
      });
      rawSubscription.on('error', () => undefined);
      const rawPublisher = rawClient.topic(topic, { batching: LATENCY_BATCHING });
      const latencies = await measureLatency(latencyMessages.length, (i) => rawPublisher.publishMessage(latencyMessages[i]!), waiter);
      await rawSubscription.close();
      return latencies;
    };
    await alternate('pubsub latency', typedLatency, rawLatency, typed.latencies, raw.latencies);
  } finally {
    await transport.close();
    await rawClient.close();
  }
  return { typed, raw };
}

async function benchInProcess(): Promise<{ typed: Figures; raw: Figures }> {
  const typed: Figures = { throughput: [], cpu: [], latencies: [] };
  const raw: Figures = { throughput: [], cpu: [], latencies: [] };
  const events = Array.from({ length: IN_PROCESS_THROUGHPUT_MESSAGES }, (_, i) => userCreated(i));
  const messages = events.map(rawMessage);
  const indexById = new Map(events.slice(0, IN_PROCESS_LATENCY_MESSAGES).map((event, i) => [event.eventId, i]));
  const transport = new InProcessTransport();
  const typedThroughput = async (): Promise<number> => {
    const publisher = new EventPublisher({ transport, topicPrefix: unique('bench') });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    // As on Pub/Sub: one publish before the clock, which does a publisher's once-per-topic work
    // (the topic check); the raw path's topic is ready before its clock starts too.
    await publisher.publish(userCreated(999_999));
    return throughputRound(events.length, typed.cpu, () => Promise.all(events.map((event) => publisher.publish(event))));
  };
  const rawThroughput = async (): Promise<number> => {
    const topic = unique('raw');
    await transport.ensureTopic(topic);
    return throughputRound(messages.length, raw.cpu, () => Promise.all(messages.map((message) => transport.publish(topic, message))));
  };
  await alternate('in-process throughput', typedThroughput, rawThroughput, typed.throughput, raw.throughput);
  const typedLatency = async (): Promise<number[]> => {
    const topicPrefix = unique('lat');
    const subscriber = new EventSubscriber({ transport, topicPrefix, subscriptionPrefix: unique('lat-sub'), deadLetterTopic: 'lat-dlq', enableMessageOrdering: false });
    const publisher = new EventPublisher({ transport, topicPrefix });
    const waiter = new Waiter();
    await subscriber.subscribe({ eventType: 'user.created', handler: (event) => waiter.arrived(indexById.get(event.eventId) ?? -1) });
    const latencies = await measureLatency(IN_PROCESS_LATENCY_MESSAGES, (i) => publisher.publish(events[i]!), waiter);
    await subscriber.close();
    return latencies;
  };
  const rawLatency = async (): Promise<number[]> => {
    const topic = unique('raw-lat');
    const subscription = unique('raw-lat-sub');
    await transport.ensureTopic(topic);
    await transport.ensureTopic('lat-dlq');
    await transport.ensureSubscription(subscription, { topic, deadLetterPolicy: { deadLetterTopic: 'lat-dlq', maxDeliveryAttempts: 5 } });
    const waiter = new Waiter();
    const stream = transport.subscribe(subscription, (message) => {
      waiter.arrived(indexById.get(message.attributes['ce-id']!) ?? -1);
      message.ack();
    });
    const latencies = await measureLatency(IN_PROCESS_LATENCY_MESSAGES, (i) => transport.publish(topic, messages[i]!), waiter);
    await stream.close();
    return latencies;
  };
  await alternate('in-process latency', typedLatency, rawLatency, typed.latencies, raw.latencies);
  await transport.close();
  return { typed, raw };
}

/** A warm-up round of each (discarded), then ROUNDS rounds alternating which goes first. */
async function alternate<T extends number | number[]>(
  label: string,
  runTyped: () => Promise<T>,
  runRaw: () => Promise<T>,
  typedResults: number[],
  rawResults: number[],
): Promise<void> {
  for (let warmUp = 0; warmUp < WARM_UP_ROUNDS; warmUp++) {
    await runTyped();
    await runRaw();
  }
  const keep = (results: number[], value: T): void => void (Array.isArray(value) ? results.push(...value) : results.push(value));
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      keep(typedResults, await runTyped());
      keep(rawResults, await runRaw());
    } else {
      keep(rawResults, await runRaw());
      keep(typedResults, await runTyped());
    }
    // Progress only: the last throughput, or the p50 of the latest latency samples.
    const last = (results: number[]): string =>
      results.length > ROUNDS * 2 ? `p50 ${percentile(results.slice(-100), 50).toFixed(2)} ms` : `${results.at(-1)?.toFixed(0)} msg/s`;
    log(`${label} round ${round + 1} done: typed ${last(typedResults)} raw ${last(rawResults)}`);
  }
}

function rows(name: string, result: { typed: Figures; raw: Figures }): string[] {
  const tput = [median(result.typed.throughput), median(result.raw.throughput)] as const;
  // Rounds pair up (same moment of the run), so the ratio is the median of per-round ratios.
  const tputRatio = median(result.typed.throughput.map((typed, i) => typed / result.raw.throughput[i]!));
  const p50 = [percentile(result.typed.latencies, 50), percentile(result.raw.latencies, 50)] as const;
  const p99 = [percentile(result.typed.latencies, 99), percentile(result.raw.latencies, 99)] as const;
  const fmt = (value: number, digits: number): string => value.toFixed(digits);
  // CPU the typed layer adds per published message, from the two throughputs.
  const overheadMicros = (1 / tput[0] - 1 / tput[1]) * 1e6;
  const cpu = [median(result.typed.cpu), median(result.raw.cpu)] as const;
  return [
    `| ${name} | publish CPU per message (µs, lower is better) | ${fmt(cpu[0], 1)} | ${fmt(cpu[1], 1)} | ${fmt(cpu[0] / cpu[1], 2)} |`,
    `| ${name} | publish throughput (msg/s, higher is better) | ${fmt(tput[0], 0)} | ${fmt(tput[1], 0)} | ${fmt(tputRatio, 2)} |`,
    `| ${name} | end-to-end latency p50 (ms, lower is better) | ${fmt(p50[0], 3)} | ${fmt(p50[1], 3)} | ${fmt(p50[0] / p50[1], 2)} |`,
    `| ${name} | end-to-end latency p99 (ms, lower is better) | ${fmt(p99[0], 3)} | ${fmt(p99[1], 3)} | ${fmt(p99[0] / p99[1], 2)} |`,
    `| ${name} | publish time added per message by the typed layer (µs) | ${fmt(overheadMicros, 1)} | — | — |`,
  ];
}

async function main(): Promise<void> {
  let emulator: RunningService | undefined;
  if (!process.env.PUBSUB_EMULATOR_HOST) {
    log('starting the Pub/Sub emulator');
    emulator = await startPubSubEmulator();
    process.env.PUBSUB_EMULATOR_HOST = emulator.address;
  }
  try {
    await assertSameBytes();
    const inProcess = await benchInProcess();
    const pubsub = await benchPubSub();
    const payloadBytes = rawMessage(userCreated(0)).data.length;
    const lines = [
      `Typed runtime (generated \`EventPublisher\`/\`EventSubscriber\`: validate, encode, CloudEvents attributes; decode and validate on receipt) against the raw path sending the same bytes and attributes (the catalog's encoding for the topic, Avro JSON here, checked against what the typed publisher sends before the run), in the same run, on the built output. Baseline: raw \`@google-cloud/pubsub\` client on the emulator; raw \`Transport.publish\`/\`subscribe\` in process. Ratio = typed / raw. user.created v2, ${payloadBytes}-byte payload, ${Object.keys(rawMessage(userCreated(0)).attributes).length} attributes; ${ROUNDS} rounds after ${WARM_UP_ROUNDS} discarded warm-up rounds, alternating which path goes first (throughput: median of rounds, ratio = median of per-round ratios; latency: percentiles over all rounds); Pub/Sub: ${PUBSUB_THROUGHPUT_MESSAGES} concurrent publishes (batching ${BATCHING.maxMessages} msgs / ${BATCHING.maxMilliseconds} ms / ${BATCHING.maxBytes} bytes, the same options object for both), ${PUBSUB_LATENCY_MESSAGES} sequential messages per latency round; in-process: ${IN_PROCESS_THROUGHPUT_MESSAGES} and ${IN_PROCESS_LATENCY_MESSAGES}; throughput rounds start after one publish on a fresh topic (typed: the publisher's once-per-topic check; raw: a created topic). CPU = this process's user + system time per message. ${cpus().length} cores, Node ${process.versions.node}.`,
      '',
      '| transport | measure | typed | raw | ratio |',
      '|---|---|---:|---:|---:|',
      ...rows('Pub/Sub emulator', pubsub),
      ...rows('in-process', inProcess),
      '',
      'The emulator delivers on a cycle of roughly 25–50 ms, so its latency rows measure that cycle more than either client; the in-process rows show the typed layer\'s own cost (validation, encoding, attribute mapping; on receipt decoding and validation) without I/O to hide it.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await emulator?.stop();
  }
}

await main();
