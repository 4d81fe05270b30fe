import { EventBusError } from '../errors.js';
import type { EventVersionEntry } from '../catalog.js';
import { parseJsonStrict } from './strict-json.js';

/**
 * How a payload becomes message data. Topics without a Pub/Sub schema carry plain JSON;
 * topics bound to an Avro schema carry Avro JSON or Avro binary (see docs/decisions).
 * SDK users only ever see plain typed objects: codecs translate at the edge.
 */
export type PayloadEncoding = 'json' | 'avro-json' | 'avro-binary';

export interface PayloadCodec {
  readonly encoding: PayloadEncoding;
  /** Encodes a payload that already passed its JSON Schema validator. */
  encode(version: EventVersionEntry, payload: unknown): Buffer;
  /** Decodes data written with `writer`'s schema; throws PayloadDecodeError on malformed bytes. */
  decode(writer: EventVersionEntry, data: Buffer): unknown;
}

export class PayloadDecodeError extends EventBusError {
  constructor(
    readonly encoding: PayloadEncoding,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('PAYLOAD_DECODE_FAILED', `Message data is not valid ${encoding}: ${reason}`, options);
  }
}

export const jsonCodec: PayloadCodec = {
  encoding: 'json',
  encode: (_version, payload) => Buffer.from(JSON.stringify(payload), 'utf8'),
  decode: (_writer, data) => {
    try {
      // Not UTF-8, or an integer beyond ±(2^53 − 1): refused with the reason, never altered.
      return parseJsonStrict(data);
    } catch (error) {
      throw new PayloadDecodeError('json', (error as Error).message, { cause: error });
    }
  },
};
