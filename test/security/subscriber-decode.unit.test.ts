/**
 * Issue 11: `ce-time: "not a date"`, integers beyond 2^53 and invalid UTF-8 in data used to be
 * handled silently (time unchecked, value rounded, bytes replaced). The subscriber now
 * dead-letters each with a reason. A fast-check fuzzer then throws thousands of random byte
 * strings and attribute sets at a real EventSubscriber (in-process transport): nothing crashes,
 * every message is accounted for, and every good message among them is handled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalog, createEvent } from '../../generated/index.js';
import { EventSubscriber, InProcessTransport, type AnyEventEnvelope, type ReceivedMessage } from '../../runtime/index.js';
import { attributesToHeaders, envelopeToAttributes, isRfc3339DateTime } from '../../runtime/cloudevents.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../runtime/subscriber/dead-letter.js';
import { decodeUtf8Strict, findUnsafeIntegerLiteral, parseJsonStrict } from '../../runtime/codec/strict-json.js';

const EVENT_TYPE = 'conversation.ended';
let sequence = 0;

function goodEvent(): AnyEventEnvelope {
  sequence += 1;
  return createEvent(EVENT_TYPE, `c-${sequence}`, 'conversation_session', {
    conversationId: '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
    userId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
    reason: 'user_ended',
    turnCount: 2,
    durationSeconds: 61.5,
    endedAt: '2024-05-01T12:01:01Z',
  } as never) as AnyEventEnvelope;
}

const attributesOf = (event: AnyEventEnvelope): Record<string, string> =>
  envelopeToAttributes(event, { source: 'fuzz', dataschema: 'https://schemas.clone.dev/events/conversation.ended/1.json', encoding: 'json' });

async function harness() {
  const transport = new InProcessTransport({ projectId: 'security' });
  const id = `${Date.now().toString(36)}-${(sequence += 1)}`;
  const topicPrefix = `sec-${id}`;
  const deadLetterTopic = `sec-dlq-${id}`;
  const errors: unknown[] = [];
  const subscriber = new EventSubscriber({
    catalog,
    transport,
    topicPrefix,
    subscriptionPrefix: `sec-s-${id}`,
    deadLetterTopic,
    retryPolicy: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 0 },
    onError: (error) => void errors.push(error),
  });
  const deadLetters: ReceivedMessage[] = [];
  await transport.ensureTopic(deadLetterTopic);
  await transport.ensureSubscription(`${deadLetterTopic}.watch`, { topic: deadLetterTopic });
  transport.subscribe(`${deadLetterTopic}.watch`, (message) => {
    deadLetters.push(message);
    message.ack();
  });
  const handled: AnyEventEnvelope[] = [];
  const handle = await subscriber.subscribe({ eventType: EVENT_TYPE, handler: (event) => void handled.push(event) });
  const topic = `${topicPrefix}.${EVENT_TYPE}`;
  const send = (data: Buffer, attributes: Record<string, string>): Promise<string> => transport.publish(topic, { data, attributes });
  const settle = async (total: number): Promise<void> => {
    for (let waited = 0; handle.stats.acked + handle.stats.nacked < total; waited += 1) {
      if (waited > 60_000) throw new Error(`only ${handle.stats.acked} of ${total} messages settled`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { subscriber, handle, deadLetters, handled, send, settle, errors };
}

describe('the subscriber refuses what it used to alter silently', () => {
  it('dead-letters ce-time that is not RFC 3339, invalid UTF-8 data and integers beyond 2^53, with reasons', async () => {
    const { subscriber, deadLetters, handled, send, settle } = await harness();
    const good = goodEvent();
    const json = JSON.stringify(good.payload);
    await send(Buffer.from(json), { ...attributesOf(good), 'ce-time': 'not a date' });
    const badUtf8 = Buffer.from(json.replace('user_ended', 'user_ended'), 'utf8');
    // A lone 0xff byte inside the string "7d8e…": JSON.parse of toString('utf8') would have read U+FFFD.
    const invalid = Buffer.concat([badUtf8.subarray(0, 20), Buffer.from([0xff]), badUtf8.subarray(21)]);
    await send(invalid, attributesOf(goodEvent()));
    await send(Buffer.from(json.replace('"turnCount":2', '"turnCount":9007199254740993')), attributesOf(goodEvent()));
    const fine = goodEvent();
    await send(Buffer.from(JSON.stringify(fine.payload)), attributesOf(fine));
    await settle(4);
    await subscriber.close();
    const byCode = new Map(deadLetters.map((letter) => [letter.attributes[DEAD_LETTER_ATTRIBUTES.reason]!, letter.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]]));
    const reasons = [...byCode.keys()].join('\n');
    expect(deadLetters).toHaveLength(3);
    expect(reasons).toMatch(/'ce-time' is "not a date", expected an RFC 3339 date-time/);
    expect(reasons).toMatch(/not valid UTF-8 \(first bad byte at offset 20\)/);
    expect(reasons).toMatch(/integer 9007199254740993 is outside the safe range/);
    expect([...byCode.values()].sort()).toEqual(['INVALID_ATTRIBUTES', 'PAYLOAD_DECODE_FAILED', 'PAYLOAD_DECODE_FAILED']);
    expect(handled.map((event) => event.eventId)).toEqual([fine.eventId]);
  });

  it('reads RFC 3339 exactly: offsets, fractions, leap seconds and real calendar days', () => {
    for (const good of ['2024-05-01T12:00:00Z', '2024-05-01t12:00:00.123456789+02:00', '2016-12-31T23:59:60Z', '2024-02-29T00:00:00-00:00', '2000-02-29T00:00:00Z']) {
      expect(isRfc3339DateTime(good), good).toBe(true);
    }
    for (const bad of ['not a date', '2024-05-01', '2024-05-01 12:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-04-31T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T12:00:00', '2024-05-01T12:00:00+24:00', '1714564800000', '2024-05-01T12:00:00Z\n']) {
      expect(isRfc3339DateTime(bad), bad).toBe(false);
    }
    const event = goodEvent();
    expect(() => attributesToHeaders({ ...attributesOf(event), 'ce-time': 'Wed, 01 May 2024 12:00:00 GMT' })).toThrow(/RFC 3339/);
  });

  it('finds integer literals reading would round, only outside strings, never in fractions or exponents', () => {
    expect(findUnsafeIntegerLiteral('{"a":9007199254740991}')).toBeUndefined();
    expect(findUnsafeIntegerLiteral('{"a":-9007199254740993}')).toBe('-9007199254740993');
    // Beyond the safe range but exact (what JSON.stringify writes for 2^60 or 1e20): nothing would change.
    expect(findUnsafeIntegerLiteral(JSON.stringify({ a: 2 ** 60, b: 1e20, c: -(2 ** 53) }))).toBeUndefined();
    expect(findUnsafeIntegerLiteral('{"a":"12345678901234567890"}')).toBeUndefined();
    expect(findUnsafeIntegerLiteral('{"a":"\\"12345678901234567890"}')).toBeUndefined();
    expect(findUnsafeIntegerLiteral('{"a":12345678901234567890.5,"b":1e300,"c":12345678901234567890e0}')).toBeUndefined();
    expect(findUnsafeIntegerLiteral('[1,2,[{"x":[123456789012345678901234567890]}]]')).toBe('123456789012345678901234567890');
    expect(() => parseJsonStrict(Buffer.from('{"a":18446744073709551615}'))).toThrow(/would be read as 18446744073709552000/);
    expect(() => decodeUtf8Strict(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toThrow(/offset 1/);
    expect(decodeUtf8Strict(Buffer.from('{"é":"😀"}'))).toBe('{"é":"😀"}');
  });
});

describe('fuzzing the decode path (fast-check)', () => {
  it('thousands of random messages: none crashes the subscriber, each is acked or dead-lettered with a reason, every good one is handled', async () => {
    const { subscriber, handle, deadLetters, handled, send, settle, errors } = await harness();
    const template = attributesOf(goodEvent());
    const attributeKeys = Object.keys(template);
    const hostileString = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', '0', '-1', '1.5', '1e3', 'NaN', '\u0000', '\ud800', '1.0', 'application/json', 'application/avro', '__proto__', 'constructor', EVENT_TYPE, 'not a date', '9999-99-99T99:99:99Z'),
    );
    const attributes = fc.oneof(
      // valid attributes with some replaced, removed or added
      fc.record({
        replace: fc.dictionary(fc.constantFrom(...attributeKeys), hostileString, { maxKeys: 3 }),
        remove: fc.subarray(attributeKeys, { maxLength: 2 }),
        extra: fc.dictionary(fc.string({ maxLength: 12 }), hostileString, { maxKeys: 3 }),
      }).map(({ replace, remove, extra }) => {
        const result: Record<string, string> = { ...template, ...extra, ...replace };
        for (const key of remove) delete result[key];
        return result;
      }),
      fc.dictionary(fc.string({ maxLength: 12 }), hostileString, { maxKeys: 8 }),
    );
    const json = JSON.stringify(goodEvent().payload);
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)),
      // the good payload with bytes flipped
      fc.array(fc.tuple(fc.nat(json.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
        const bytes = Buffer.from(json);
        for (const [at, value] of flips) bytes[at] = value;
        return bytes;
      }),
      fc.constant(Buffer.from(json.replace('"turnCount":2', '"turnCount":123456789012345678'))),
    );
    const random = fc.sample(fc.record({ data, attributes }), { numRuns: 3000, seed: 11 });
    const goodIds: string[] = [];
    let sent = 0;
    for (const [index, message] of random.entries()) {
      await send(message.data, message.attributes);
      sent += 1;
      if (index % 100 === 0) {
        const good = goodEvent();
        goodIds.push(good.eventId);
        await send(Buffer.from(JSON.stringify(good.payload)), attributesOf(good));
        sent += 1;
      }
    }
    await settle(sent);
    await subscriber.close();
    expect(handle.stats.acked).toBe(sent);
    expect(handle.stats.nacked).toBe(0);
    for (const id of goodIds) expect(handled.some((event) => event.eventId === id), id).toBe(true);
    // Everything not handled was dead-lettered (or filtered as another known type), each with a reason and a code.
    expect(handle.stats.handled + handle.stats.deadLettered + handle.stats.filtered).toBe(sent);
    expect(deadLetters.length).toBe(handle.stats.deadLettered);
    for (const letter of deadLetters) {
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.reason]!.length).toBeGreaterThan(0);
      expect(letter.attributes[DEAD_LETTER_ATTRIBUTES.errorCode]).toMatch(/^[A-Z_]+$/);
    }
    // Nothing handled carries an altered payload: each handled event validates and round-trips.
    for (const event of handled) expect(catalog.events[EVENT_TYPE]!.versions[event.eventVersion]!.validate(event.payload)).toEqual({ valid: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
