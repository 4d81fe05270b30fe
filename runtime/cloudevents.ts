import type { PayloadEncoding } from './codec/codec.js';
import type { AnyEventEnvelope } from './envelope.js';
import { EventBusError } from './errors.js';
import { MAX_ATTRIBUTE_KEY_BYTES, MAX_ATTRIBUTE_VALUE_BYTES, MAX_ATTRIBUTES } from './defaults.js';

/**
 * Envelope <-> Pub/Sub attributes in CloudEvents binary content mode (Pub/Sub protocol
 * binding: attributes are `ce-` + the CloudEvents attribute name). Our own envelope fields
 * travel as CloudEvents extension attributes (lower-case alphanumeric names); metadata entries
 * as `meta-<key>`. The payload is the message data.
 */
export const CE = {
  specversion: 'ce-specversion',
  id: 'ce-id',
  type: 'ce-type',
  source: 'ce-source',
  time: 'ce-time',
  subject: 'ce-subject',
  dataschema: 'ce-dataschema',
  datacontenttype: 'ce-datacontenttype',
  eventversion: 'ce-eventversion',
  aggregatetype: 'ce-aggregatetype',
  correlationid: 'ce-correlationid',
  causationid: 'ce-causationid',
} as const;

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const METADATA_ATTRIBUTE_PREFIX = 'meta-';

/** Attributes every event message must carry. */
export const REQUIRED_ATTRIBUTES = [
  CE.specversion,
  CE.id,
  CE.type,
  CE.source,
  CE.time,
  CE.subject,
  CE.eventversion,
  CE.aggregatetype,
] as const;

const CONTENT_TYPES: Readonly<Record<PayloadEncoding, string>> = {
  json: 'application/json',
  'avro-json': 'application/avro+json',
  'avro-binary': 'application/avro',
};

export function contentTypeFor(encoding: PayloadEncoding): string {
  return CONTENT_TYPES[encoding];
}

export function encodingForContentType(contentType: string | undefined): PayloadEncoding | undefined {
  if (contentType === undefined) return 'json';
  const found = Object.entries(CONTENT_TYPES).find(([, type]) => type === contentType);
  return found?.[0] as PayloadEncoding | undefined;
}

export class AttributeLimitError extends EventBusError {
  constructor(
    readonly eventType: string,
    readonly attribute: string,
    reason: string,
  ) {
    super('ATTRIBUTE_LIMIT_EXCEEDED', `${eventType}: attribute '${attribute}' ${reason}`);
  }
}

/** The message misses envelope attributes or carries unreadable ones: it can never be handled. */
export class MalformedEnvelopeError extends EventBusError {
  constructor(
    readonly problems: readonly string[],
    code: 'MISSING_ATTRIBUTES' | 'INVALID_ATTRIBUTES' = 'MISSING_ATTRIBUTES',
  ) {
    super(code, `Message is not a valid event envelope: ${problems.join('; ')}`);
  }
}

export interface ToAttributesOptions {
  /** CloudEvents `source`. */
  source: string;
  /** `$id` of the payload schema (ce-dataschema). */
  dataschema: string;
  encoding: PayloadEncoding;
}

/** Throws AttributeLimitError when Pub/Sub would refuse the attributes (100 per message, 1024-byte values). */
export function envelopeToAttributes(event: AnyEventEnvelope, options: ToAttributesOptions): Record<string, string> {
  const attributes: Record<string, string> = {
    [CE.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CE.id]: event.eventId,
    [CE.type]: event.eventType,
    [CE.source]: options.source,
    [CE.time]: event.occurredAt,
    [CE.subject]: event.aggregateId,
    [CE.dataschema]: options.dataschema,
    [CE.datacontenttype]: contentTypeFor(options.encoding),
    [CE.eventversion]: String(event.eventVersion),
    [CE.aggregatetype]: event.aggregateType,
  };
  if (event.correlationId !== undefined) attributes[CE.correlationid] = event.correlationId;
  if (event.causationId !== undefined) attributes[CE.causationid] = event.causationId;
  const metadata = event.metadata;
  if (metadata) for (const key in metadata) attributes[METADATA_ATTRIBUTE_PREFIX + key] = metadata[key]!;
  assertAttributeLimits(event.eventType, attributes);
  return attributes;
}

export function assertAttributeLimits(eventType: string, attributes: Readonly<Record<string, string>>): void {
  let count = 0;
  for (const key in attributes) {
    count += 1;
    const value = attributes[key];
    if (typeof value !== 'string') {
      throw new AttributeLimitError(eventType, key, `must be a string, got ${typeof value}`);
    }
    // A UTF-16 code unit is at most 3 UTF-8 bytes: only long strings need counting (hot path).
    if (key.length * 3 > MAX_ATTRIBUTE_KEY_BYTES && Buffer.byteLength(key, 'utf8') > MAX_ATTRIBUTE_KEY_BYTES) {
      throw new AttributeLimitError(eventType, key, `name is longer than ${MAX_ATTRIBUTE_KEY_BYTES} bytes`);
    }
    if ((key.charCodeAt(0) | 0x20) === 0x67 && key.toLowerCase().startsWith('goog')) {
      throw new AttributeLimitError(eventType, key, `name must not start with 'goog' (reserved by Pub/Sub)`);
    }
    if (value.length * 3 > MAX_ATTRIBUTE_VALUE_BYTES) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_ATTRIBUTE_VALUE_BYTES) {
        throw new AttributeLimitError(eventType, key, `value is ${bytes} bytes; Pub/Sub allows at most ${MAX_ATTRIBUTE_VALUE_BYTES}`);
      }
    }
  }
  if (count > MAX_ATTRIBUTES) {
    throw new AttributeLimitError(
      eventType,
      `${METADATA_ATTRIBUTE_PREFIX}*`,
      `makes ${count} attributes; Pub/Sub allows at most ${MAX_ATTRIBUTES} per message (reduce metadata entries)`,
    );
  }
}

/** Everything of the envelope except the payload, read back from attributes. */
export type EnvelopeHeaders = Omit<AnyEventEnvelope, 'payload'> & {
  readonly source: string;
  readonly dataschema: string | undefined;
  readonly encoding: PayloadEncoding | undefined;
  readonly contentType: string | undefined;
};

/** Throws MalformedEnvelopeError listing every missing or unreadable attribute. */
export function attributesToHeaders(attributes: Readonly<Record<string, string>>): EnvelopeHeaders {
  const missing = REQUIRED_ATTRIBUTES.filter((name) => !attributes[name]);
  if (missing.length > 0) throw new MalformedEnvelopeError(missing.map((name) => `missing attribute '${name}'`));
  const problems: string[] = [];
  if (attributes[CE.specversion] !== CLOUDEVENTS_SPEC_VERSION) {
    problems.push(`'${CE.specversion}' is '${attributes[CE.specversion]}', expected '${CLOUDEVENTS_SPEC_VERSION}'`);
  }
  const versionText = attributes[CE.eventversion]!;
  const eventVersion = Number(versionText);
  if (!/^[1-9][0-9]*$/.test(versionText) || !Number.isSafeInteger(eventVersion)) {
    problems.push(`'${CE.eventversion}' is '${versionText}', expected a positive integer`);
  }
  if (!isRfc3339DateTime(attributes[CE.time]!)) {
    problems.push(`'${CE.time}' is ${JSON.stringify(attributes[CE.time]!.slice(0, 64))}, expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z`);
  }
  if (problems.length > 0) throw new MalformedEnvelopeError(problems, 'INVALID_ATTRIBUTES');
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith(METADATA_ATTRIBUTE_PREFIX)) metadata[key.slice(METADATA_ATTRIBUTE_PREFIX.length)] = value;
  }
  const contentType = attributes[CE.datacontenttype];
  return {
    eventId: attributes[CE.id]!,
    eventType: attributes[CE.type]!,
    eventVersion,
    aggregateId: attributes[CE.subject]!,
    aggregateType: attributes[CE.aggregatetype]!,
    occurredAt: attributes[CE.time]!,
    ...(attributes[CE.correlationid] !== undefined && { correlationId: attributes[CE.correlationid] }),
    ...(attributes[CE.causationid] !== undefined && { causationId: attributes[CE.causationid] }),
    metadata,
    source: attributes[CE.source]!,
    dataschema: attributes[CE.dataschema],
    encoding: encodingForContentType(contentType),
    contentType,
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 `date-time` (section 5.6), with real calendar days and a leap second allowed. */
export function isRfc3339DateTime(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  const offsetOk = match[7] === undefined || (Number(match[8]) <= 23 && Number(match[9]) <= 59);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60 && offsetOk;
}

/** Rebuilds the envelope from headers and a decoded payload. */
export function headersToEnvelope(headers: EnvelopeHeaders, payload: unknown): AnyEventEnvelope {
  return {
    eventId: headers.eventId,
    eventType: headers.eventType,
    eventVersion: headers.eventVersion,
    aggregateId: headers.aggregateId,
    aggregateType: headers.aggregateType,
    occurredAt: headers.occurredAt,
    ...(headers.correlationId !== undefined && { correlationId: headers.correlationId }),
    ...(headers.causationId !== undefined && { causationId: headers.causationId }),
    payload,
    metadata: headers.metadata,
  };
}
