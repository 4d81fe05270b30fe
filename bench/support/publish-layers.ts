/**
 * Where the typed in-process publish's cost over raw `Transport.publish` goes, layer by layer
 * (issue 14; not part of `npm run bench`, whose pubsub.bench.ts has the target's ratio). Each
 * layer is the one before plus one step, written by hand on the same in-process transport, same
 * events, same bytes:
 *   raw          Transport.publish of messages encoded before the clock (the bench's baseline);
 *   + prepare    validate, Avro JSON encode and CloudEvents attributes per publish, then publish;
 *   + then       one `.then` on the transport's promise (what any counting/mapping layer needs);
 *   + deadline   a promise of its own resolved from that `.then` (what a per-publish timeout needs);
 *   typed        the generated EventPublisher.
 * 20,000 concurrent publishes per round, rounds rotating the order, medians of CPU per message.
 * Run: `npx tsc -p tsconfig.bench.json && node dist-bench/bench/support/publish-layers.js`.
 */
import { InProcessTransport, type OutgoingMessage } from '../../runtime/index.js';
import { envelopeToAttributes } from '../../runtime/cloudevents.js';
import { payloadCodecs } from '../../runtime/codec/avro.js';
import { EventPublisher, catalog, type UserCreatedEvent } from '../../generated/index.js';
import { userCreated } from './user-created.js';

const COUNT = 20_000;
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const codec = payloadCodecs()['avro-json'];
const version = catalog.events['user.created']!.versions[2]!;
const attributeOptions = { source: '//clone/event-bus', dataschema: version.schemaId, encoding: 'avro-json' as const };

const events = Array.from({ length: COUNT }, (_, i) => userCreated(i));
const prepare = (event: UserCreatedEvent): OutgoingMessage => {
  if (!version.validate(event.payload).valid) throw new Error('invalid');
  return { data: codec.encode(version, event.payload), attributes: envelopeToAttributes(event, attributeOptions) };
};
const messages = events.map(prepare);
const transport = new InProcessTransport();
let topics = 0;

async function cpuPerMessage(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / COUNT;
}

async function freshTopic(): Promise<string> {
  const topic = `layers-${topics++}`;
  await transport.ensureTopic(topic);
  return topic;
}

let answered = 0;
const layers: Record<string, () => Promise<number>> = {
  raw: async () => {
    const topic = await freshTopic();
    return cpuPerMessage(() => Promise.all(messages.map((message) => transport.publish(topic, message))));
  },
  '+ prepare': async () => {
    const topic = await freshTopic();
    return cpuPerMessage(() => Promise.all(events.map((event) => transport.publish(topic, prepare(event)))));
  },
  '+ then': async () => {
    const topic = await freshTopic();
    return cpuPerMessage(() =>
      Promise.all(
        events.map((event) =>
          transport.publish(topic, prepare(event)).then(
            (id) => ((answered += 1), id),
            (error: unknown) => {
              throw error;
            },
          ),
        ),
      ),
    );
  },
  '+ deadline': async () => {
    const topic = await freshTopic();
    return cpuPerMessage(() =>
      Promise.all(
        events.map((event) => {
          const flight = { eventId: event.eventId, resolve: (_: string): void => undefined, reject: (_: unknown): void => undefined };
          const publishing = transport.publish(topic, prepare(event));
          return new Promise<string>((resolve, reject) => {
            flight.resolve = resolve;
            flight.reject = reject;
            publishing.then(
              (id) => ((answered += 1), flight.resolve(id)),
              (error: unknown) => flight.reject(error),
            );
          });
        }),
      ),
    );
  },
  typed: async () => {
    const publisher = new EventPublisher({ transport, topicPrefix: `layers-typed-${topics++}` });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    await publisher.publish(userCreated(999_999));
    return cpuPerMessage(() => Promise.all(events.map((event) => publisher.publish(event))));
  },
};

const names = Object.keys(layers);
const results = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = -2; round < ROUNDS; round++) {
  const shift = ((round % names.length) + names.length) % names.length;
  for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
    const cpu = await layers[name]!();
    if (round >= 0) results.get(name)!.push(cpu);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const raw = median(results.get('raw')!);
process.stdout.write('| layer | CPU per message (µs) | ratio to raw |\n| --- | ---: | ---: |\n');
for (const name of names) {
  const cpu = median(results.get(name)!);
  process.stdout.write(`| ${name} | ${cpu.toFixed(2)} | ${(cpu / raw).toFixed(2)}× |\n`);
}
await transport.close();
if (answered < 0) process.stdout.write('');
