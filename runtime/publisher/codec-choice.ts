import type { EventTypeEntry } from '../catalog.js';
import { jsonCodec, type PayloadCodec, type PayloadEncoding } from '../codec/codec.js';
import { payloadCodecs } from '../codec/avro.js';
import { EventBusError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

/** Picks the codec for a topic, e.g. from its Pub/Sub schema settings; called once per topic. */
export type CodecResolver = (entry: EventTypeEntry, topic: string) => PayloadCodec | Promise<PayloadCodec>;

/** One codec for every topic, or a resolver per topic. Default: `codecFromCatalog()`. */
export type CodecChoice = PayloadCodec | CodecResolver;

/**
 * The default resolver: each event type's `payloadEncoding` from the catalog, i.e. the registry's
 * channel binding (Avro JSON on this registry's schema-bound topics; plain JSON when absent). It
 * asks the broker nothing, so publishers need no permission beyond publishing.
 */
export function codecFromCatalog(
  codecs: Readonly<Record<PayloadEncoding, PayloadCodec>> = payloadCodecs(),
): CodecResolver {
  return (entry) => codecs[entry.payloadEncoding ?? 'json'];
}

/** Caches the codec per topic so a resolver that asks the broker runs once. */
export class TopicCodecs {
  private readonly byTopic = new Map<string, Promise<PayloadCodec>>();
  private readonly resolved = new Map<string, PayloadCodec>();

  constructor(private readonly choice: CodecChoice = codecFromCatalog()) {}

  /**
   * The codec without waiting: when one codec serves every topic, the resolver already answered,
   * or it answers synchronously now (the default, `codecFromCatalog`, does). Only a resolver that
   * returns a promise makes the first publishes to a topic wait (`forTopic`).
   */
  known(entry: EventTypeEntry, topic: string): PayloadCodec | undefined {
    const choice = this.choice;
    if (typeof choice !== 'function') return choice;
    const resolved = this.resolved.get(topic);
    if (resolved !== undefined || this.byTopic.has(topic)) return resolved;
    let answer: PayloadCodec | Promise<PayloadCodec>;
    try {
      answer = choice(entry, topic);
    } catch (error) {
      // Thrown synchronously: reported by forTopic as a rejection, and asked again next time.
      this.remember(topic, Promise.reject(error));
      return undefined;
    }
    if (answer instanceof Promise) {
      this.remember(topic, answer);
      return undefined;
    }
    this.resolved.set(topic, answer);
    this.byTopic.set(topic, Promise.resolve(answer));
    return answer;
  }

  forTopic(entry: EventTypeEntry, topic: string): Promise<PayloadCodec> {
    let codec = this.byTopic.get(topic);
    if (!codec) {
      const choice = this.choice;
      let answer: PayloadCodec | Promise<PayloadCodec>;
      try {
        answer = typeof choice === 'function' ? choice(entry, topic) : choice;
      } catch (error) {
        answer = Promise.reject(error);
      }
      codec = this.remember(topic, Promise.resolve(answer));
    }
    return codec;
  }

  /** Caches a pending answer; a failed one is forgotten so that the next publish asks again. */
  private remember(topic: string, codec: Promise<PayloadCodec>): Promise<PayloadCodec> {
    codec.then(
      (resolved) => void this.resolved.set(topic, resolved),
      () => this.byTopic.delete(topic),
    );
    this.byTopic.set(topic, codec);
    return codec;
  }
}

export interface SchemaSettingsCodecs {
  /** For topics without a schema. Default: jsonCodec. */
  json?: PayloadCodec;
  /** For topics whose Avro schema uses JSON encoding (e.g. createAvroCodec('avro-json')). */
  avroJson?: PayloadCodec;
  /** For topics whose Avro schema uses BINARY encoding (e.g. createAvroCodec('avro-binary')). */
  avroBinary?: PayloadCodec;
}

export class CodecUnavailableError extends EventBusError {
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super('CODEC_UNAVAILABLE', `No codec for topic '${topic}': ${reason}`);
  }
}

/**
 * A resolver that reads each topic's Pub/Sub schema settings once and picks the matching codec:
 * no schema -> JSON, Avro with JSON encoding -> avroJson, with BINARY encoding -> avroBinary.
 * A topic that does not exist yet is treated as schema-less (it will be created without one).
 */
export function codecFromSchemaSettings(transport: Transport, codecs: SchemaSettingsCodecs): CodecResolver {
  return async (_entry, topic) => {
    const description = await transport.describeTopic(topic);
    const encoding = description?.schema?.encoding;
    if (encoding === undefined) return codecs.json ?? jsonCodec;
    const codec = encoding === 'BINARY' ? codecs.avroBinary : codecs.avroJson;
    if (!codec) {
      throw new CodecUnavailableError(
        topic,
        `its schema ${description!.schema!.schema} uses ${encoding} encoding and no ${encoding === 'BINARY' ? 'avroBinary' : 'avroJson'} codec was given`,
      );
    }
    return codec;
  };
}
