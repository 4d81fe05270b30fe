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

  /** The codec without waiting, when one codec serves every topic or the resolver already answered. */
  known(topic: string): PayloadCodec | undefined {
    return typeof this.choice === 'function' ? this.resolved.get(topic) : this.choice;
  }

  forTopic(entry: EventTypeEntry, topic: string): Promise<PayloadCodec> {
    let codec = this.byTopic.get(topic);
    if (!codec) {
      const choice = this.choice;
      codec = typeof choice === 'function' ? Promise.resolve(choice(entry, topic)) : Promise.resolve(choice);
      codec.then(
        (resolved) => void this.resolved.set(topic, resolved),
        () => this.byTopic.delete(topic),
      );
      this.byTopic.set(topic, codec);
    }
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
