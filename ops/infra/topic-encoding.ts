import type { PubSub } from '@google-cloud/pubsub';
import { createAvroCodec } from '../../runtime/codec/avro.js';
import { jsonCodec, type PayloadCodec, type PayloadEncoding } from '../../runtime/codec/codec.js';
import { SCHEMA_ENCODING_ATTRIBUTE } from './schema-revisions.js';

/**
 * How message data must be encoded on a topic, read from its schema settings: no schema →
 * plain JSON; an Avro schema → Avro JSON or Avro binary, as the topic's `encoding` says.
 * `codecFromSchemaSettings` (runtime/publisher) does the same through the transport for publishers.
 */
export async function readTopicPayloadEncoding(pubsub: PubSub, topicId: string): Promise<PayloadEncoding> {
  const [metadata] = await pubsub.topic(topicId).getMetadata();
  return payloadEncodingOf(metadata.schemaSettings);
}

/** Pure: Pub/Sub schema settings (or their absence) → the payload encoding they require. */
export function payloadEncodingOf(
  schemaSettings: { schema?: string | null; encoding?: unknown } | null | undefined,
): PayloadEncoding {
  if (!schemaSettings?.schema) return 'json';
  return String(schemaSettings.encoding) === 'BINARY' ? 'avro-binary' : 'avro-json';
}

/**
 * The encoding of a received message, from the attribute Pub/Sub adds on schema topics
 * (`googclient_schemaencoding`: JSON or BINARY); plain JSON when absent.
 */
export function payloadEncodingOfMessage(attributes: Readonly<Record<string, string>>): PayloadEncoding {
  const encoding = attributes[SCHEMA_ENCODING_ATTRIBUTE];
  if (encoding === undefined) return 'json';
  return encoding === 'BINARY' ? 'avro-binary' : 'avro-json';
}

/** The runtime codec that writes `encoding`. */
export function codecForEncoding(encoding: PayloadEncoding): PayloadCodec {
  return encoding === 'json' ? jsonCodec : createAvroCodec(encoding);
}
