import { assertValidPayload, lookupEventType, lookupEventVersion, type EventCatalog } from '../catalog.js';
import { attributesToHeaders, completeEnvelopeAttributes, headersToEnvelope, readCloudEventMessage } from '../cloudevents.js';
import { createAvroCodec } from '../codec/avro.js';
import { jsonCodec, PayloadDecodeError, type PayloadCodec, type PayloadEncoding } from '../codec/codec.js';
import { readEventBusConfig, topicIdFor } from '../config.js';
import type { AnyEventEnvelope } from '../envelope.js';
import type { OriginalEventDecoder } from './message.js';
import { DEAD_LETTER_ATTRIBUTES, PUBSUB_DEAD_LETTER_ATTRIBUTES } from './attributes.js';

/**
 * Decodes a dead letter's data and attributes the way the subscriber does: CloudEvents
 * attributes (missing extension attributes completed as in decision 0140) to envelope headers, the payload by its content type's codec, then the version's
 * schema. Throws the runtime's typed errors (malformed envelope, unknown type or version,
 * decode failure, validation failure); the handler then sees the raw bytes instead.
 */
export function catalogDecoder(catalog: EventCatalog): OriginalEventDecoder {
  const codecs = new Map<PayloadEncoding, PayloadCodec>([['json', jsonCodec]]);
  const codecFor = (encoding: PayloadEncoding): PayloadCodec => {
    let codec = codecs.get(encoding);
    if (!codec) {
      codec = createAvroCodec(encoding === 'avro-binary' ? 'avro-binary' : 'avro-json');
      codecs.set(encoding, codec);
    }
    return codec;
  };
  return (rawData, rawAttributes): AnyEventEnvelope => {
    const { attributes, data } = readCloudEventMessage(rawAttributes, rawData);
    // As the subscriber (decision 0140); the original publish time travels as a dead-letter attribute.
    const published = rawAttributes[DEAD_LETTER_ATTRIBUTES.sourcePublishTime] ?? rawAttributes[PUBSUB_DEAD_LETTER_ATTRIBUTES.topicPublishTime];
    const headers = attributesToHeaders(
      completeEnvelopeAttributes(attributes, { catalog, ...(published !== undefined && { publishTime: new Date(published) }) }),
    );
    const version = lookupEventVersion(catalog, headers.eventType, headers.eventVersion);
    if (headers.encoding === undefined) {
      throw new PayloadDecodeError('json', `unknown content type '${headers.contentType}'`);
    }
    const payload = codecFor(headers.encoding).decode(version, data);
    assertValidPayload(catalog, headers.eventType, headers.eventVersion, payload);
    return headersToEnvelope(headers, payload);
  };
}

/** The topic an event type is published to (`<prefix>.<topic>`), or undefined for a type not in the catalog. */
export function catalogTopicFor(catalog: EventCatalog, eventType: string, topicPrefix?: string): string | undefined {
  try {
    const entry = lookupEventType(catalog, eventType);
    return topicIdFor(topicPrefix ?? readEventBusConfig().topicPrefix, entry.topic);
  } catch {
    return undefined;
  }
}
