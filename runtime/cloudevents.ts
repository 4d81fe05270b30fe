import type { EventCatalog } from './catalog.js';
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

/** A parsed RFC 2046 media type: lower-cased `type/subtype` and parameters (names lower-cased, values unquoted). */
export interface MediaType {
  readonly essence: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** `application/json; charset="UTF-8"` -> `{ essence: 'application/json', parameters: { charset: 'UTF-8' } }`; undefined if unreadable. */
export function parseMediaType(text: string): MediaType | undefined {
  const [head, ...rest] = text.split(';');
  const essence = head!.trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(essence)) return undefined;
  const parameters: Record<string, string> = {};
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals < 0) {
      if (part.trim() === '') continue;
      return undefined;
    }
    const name = part.slice(0, equals).trim().toLowerCase();
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!name) return undefined;
    parameters[name] = value;
  }
  return { essence, parameters };
}

/**
 * The payload encoding a `datacontenttype` names. Parameters are allowed (`application/json;
 * charset=utf-8`, the binding's own example); a `charset` other than UTF-8 is not supported (our
 * JSON and Avro JSON codecs read UTF-8). Absent means JSON (decision 0090).
 */
export function encodingForContentType(contentType: string | undefined): PayloadEncoding | undefined {
  if (contentType === undefined) return 'json';
  const media = parseMediaType(contentType);
  if (!media) return undefined;
  const found = Object.entries(CONTENT_TYPES).find(([, type]) => type === media.essence);
  if (!found) return undefined;
  const charset = media.parameters.charset;
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') return undefined;
  return found[0] as PayloadEncoding;
}

/** The Pub/Sub attribute of the CloudEvents binding that carries the content mode / data content type. */
export const CONTENT_TYPE_ATTRIBUTE = 'content-type';
/** CloudEvents JSON event format (structured content mode). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** A message as the CloudEvents binding reads it, normalized to binary mode. */
export interface CloudEventMessage {
  readonly mode: 'binary' | 'structured';
  /** `ce-*` attributes (names lower-cased), `ce-datacontenttype` filled from `content-type` in binary mode, `meta-*` kept. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The event's data bytes (in structured mode, taken out of the event format). */
  readonly data: Buffer;
}

/** A structured-mode message whose event format this runtime cannot read, or whose body is not that format. */
export class StructuredEventError extends EventBusError {
  constructor(code: 'UNSUPPORTED_CONTENT_TYPE' | 'PAYLOAD_DECODE_FAILED', message: string) {
    super(code, message);
  }
}

const CE_PREFIX = 'ce-';
// CloudEvents JSON format members that are not context attributes.
const DATA_MEMBERS = new Set(['data', 'data_base64']);

function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const essence = parseMediaType(contentType)?.essence;
  return essence !== undefined && (essence.endsWith('/json') || essence.endsWith('+json'));
}

/**
 * Reads a received Pub/Sub message per the CloudEvents Pub/Sub protocol binding. The `content-type`
 * attribute (any case) decides the mode: prefixed with `application/cloudevents` it is structured
 * (only the JSON event format is read); otherwise binary, where `content-type`, if present, is the
 * data content type (`ce-datacontenttype`, when also present, wins). Attribute names are matched
 * case-insensitively, as the binding says. Throws StructuredEventError.
 */
export function readCloudEventMessage(
  attributes: Readonly<Record<string, string>>,
  data: Buffer,
): CloudEventMessage {
  const normalized: Record<string, string> = {};
  let contentType: string | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    const lower = key.toLowerCase();
    if (lower === CONTENT_TYPE_ATTRIBUTE) contentType = value;
    else if (lower.startsWith(CE_PREFIX)) normalized[lower] = value;
    else normalized[key] = value;
  }
  const essence = contentType === undefined ? undefined : parseMediaType(contentType)?.essence;
  if (essence === undefined || !essence.startsWith('application/cloudevents')) {
    if (contentType !== undefined && normalized[CE.datacontenttype] === undefined) normalized[CE.datacontenttype] = contentType;
    return { mode: 'binary', attributes: normalized, data };
  }
  if (essence !== CLOUDEVENTS_JSON) {
    throw new StructuredEventError(
      'UNSUPPORTED_CONTENT_TYPE',
      `Structured-mode event format '${contentType}' is not supported (only ${CLOUDEVENTS_JSON})`,
    );
  }
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new StructuredEventError('PAYLOAD_DECODE_FAILED', `Structured-mode event is not JSON: ${(error as Error).message}`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new StructuredEventError('PAYLOAD_DECODE_FAILED', 'Structured-mode event is not a JSON object');
  }
  const fields = event as Record<string, unknown>;
  // Context attributes from the body win over any Pub/Sub attributes (the binding: all MUST be in the payload).
  for (const [name, value] of Object.entries(fields)) {
    if (DATA_MEMBERS.has(name) || value === null || value === undefined) continue;
    if (typeof value === 'object') {
      throw new StructuredEventError('PAYLOAD_DECODE_FAILED', `Structured-mode attribute '${name}' is not a scalar`);
    }
    normalized[CE_PREFIX + name.toLowerCase()] = String(value);
  }
  const declared = normalized[CE.datacontenttype];
  let body: Buffer;
  if (fields.data_base64 !== undefined) {
    if (typeof fields.data_base64 !== 'string') {
      throw new StructuredEventError('PAYLOAD_DECODE_FAILED', `Structured-mode 'data_base64' is not a string`);
    }
    body = Buffer.from(fields.data_base64, 'base64');
  } else if (fields.data === undefined) {
    body = Buffer.alloc(0);
  } else if (isJsonMediaType(declared)) {
    // The JSON format stores JSON data (including Avro's JSON encoding, `+json`) as a JSON value.
    body = Buffer.from(JSON.stringify(fields.data), 'utf8');
  } else if (typeof fields.data === 'string') {
    body = Buffer.from(fields.data, 'utf8');
  } else {
    throw new StructuredEventError('PAYLOAD_DECODE_FAILED', `Structured-mode 'data' of type '${declared}' is not a string`);
  }
  return { mode: 'structured', attributes: normalized, data: body };
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
  // Literal keys (the values of CE, in the same order), not `[CE.id]: …`: V8 builds a literal with
  // computed keys property by property, one with literal keys from a template, ~3× cheaper per
  // publish (decision 0150). test/runtime/cloudevents.unit.test.ts holds the names to CE.
  const attributes: Record<string, string> = {
    'ce-specversion': CLOUDEVENTS_SPEC_VERSION,
    'ce-id': event.eventId,
    'ce-type': event.eventType,
    'ce-source': options.source,
    'ce-time': event.occurredAt,
    'ce-subject': event.aggregateId,
    'ce-dataschema': options.dataschema,
    'ce-datacontenttype': contentTypeFor(options.encoding),
    'ce-eventversion': String(event.eventVersion),
    'ce-aggregatetype': event.aggregateType,
  } satisfies Record<(typeof CE)[Exclude<keyof typeof CE, 'correlationid' | 'causationid'>], string>;
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

/** What a received message offers besides its attributes, for completeEnvelopeAttributes. */
export interface InferenceContext {
  /** The subscriber's (or dead-letter decoder's) catalog: aggregate types and versions per event type. */
  readonly catalog: EventCatalog;
  /** Pub/Sub publish time of the message: stands in for a missing `ce-time`. */
  readonly publishTime?: Date;
  /** Pub/Sub ordering key of the message: stands in for a missing `ce-subject`. */
  readonly orderingKey?: string;
}

/** Pub/Sub's `googclient_schemaencoding` (schema-bound topics) -> the content type the data must have. */
const SCHEMA_ENCODING_CONTENT_TYPES: Readonly<Record<string, string>> = {
  JSON: CONTENT_TYPES['avro-json'],
  BINARY: CONTENT_TYPES['avro-binary'],
};

/**
 * Fills in the envelope attributes our publishers always send but a producer written to the
 * CloudEvents Pub/Sub binding alone may leave out (decision 0140), before attributesToHeaders:
 *
 * - `ce-aggregatetype`: the catalog's aggregate type of `ce-type` (the event type determines it);
 * - `ce-eventversion`: the version whose schema `$id` is `ce-dataschema`, else the only version of
 *   the event type; otherwise it stays missing and the message is dead-lettered
 *   MISSING_ATTRIBUTES with a reason naming `ce-eventversion` and what would name the version;
 * - `ce-time`: the Pub/Sub publish time;
 * - `ce-subject`: the Pub/Sub ordering key (else MISSING_ATTRIBUTES naming `ce-subject`);
 * - `ce-datacontenttype` (and no `content-type`): `application/avro+json` / `application/avro`
 *   when Pub/Sub says the topic's schema encoding (`googclient_schemaencoding`) — on a
 *   schema-bound topic the data can be nothing else; elsewhere absent means JSON, as before.
 *
 * Only for a `ce-type` the catalog knows (any other message is refused as before). Returns
 * `attributes` itself when nothing is missing (every SDK message). Throws MalformedEnvelopeError
 * when the version cannot be determined.
 */
export function completeEnvelopeAttributes(
  attributes: Readonly<Record<string, string>>,
  context: InferenceContext,
): Readonly<Record<string, string>> {
  if (
    attributes[CE.eventversion] !== undefined &&
    attributes[CE.aggregatetype] !== undefined &&
    attributes[CE.time] !== undefined &&
    attributes[CE.subject] !== undefined &&
    attributes[CE.datacontenttype] !== undefined
  ) {
    return attributes;
  }
  const eventType = attributes[CE.type];
  const entry = eventType !== undefined && Object.hasOwn(context.catalog.events, eventType) ? context.catalog.events[eventType] : undefined;
  if (!entry) return attributes;
  const completed: Record<string, string> = { ...attributes };
  if (!completed[CE.aggregatetype]) completed[CE.aggregatetype] = entry.aggregateType;
  if (!completed[CE.eventversion]) {
    const versions = Object.values(entry.versions);
    const dataschema = completed[CE.dataschema];
    const named = dataschema ? versions.find((version) => version.schemaId === dataschema) : undefined;
    const only = versions.length === 1 ? versions[0] : undefined;
    const version = named ?? only;
    if (version) completed[CE.eventversion] = String(version.version);
    else {
      const known = versions.map((item) => `v${item.version} ${item.schemaId}`).join(', ');
      throw new MalformedEnvelopeError([
        `missing attribute '${CE.eventversion}': ${eventType} has ${versions.length} versions and ` +
          (dataschema ? `'${CE.dataschema}' ${JSON.stringify(dataschema.slice(0, 200))} is none of their schemas` : `no '${CE.dataschema}' names one`) +
          ` (send '${CE.eventversion}', or '${CE.dataschema}' set to one of: ${known})`,
      ]);
    }
  }
  if (!completed[CE.time] && context.publishTime !== undefined && !Number.isNaN(context.publishTime.getTime())) {
    completed[CE.time] = context.publishTime.toISOString();
  }
  if (!completed[CE.subject] && context.orderingKey) completed[CE.subject] = context.orderingKey;
  if (completed[CE.datacontenttype] === undefined) {
    const schemaContentType = SCHEMA_ENCODING_CONTENT_TYPES[completed.googclient_schemaencoding ?? ''];
    if (schemaContentType !== undefined) completed[CE.datacontenttype] = schemaContentType;
  }
  return completed;
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

/** One Pub/Sub attribute of an event message, as the wire contract documents it (decisions 0090, 0140). */
export interface WireAttribute {
  readonly name: string;
  /** A reader (the SDK subscriber) refuses a message without it: the wire document's `required`. */
  readonly required: boolean;
  /** The SDK publisher writes it on every event message (the wire document's `x-always-sent`). */
  readonly alwaysSent: boolean;
  /** JSON Schema of the (string) value. */
  readonly schema: Readonly<{ type: 'string'; format?: string; pattern?: string; enum?: readonly string[] }>;
  readonly description: string;
}

/**
 * Every attribute `envelopeToAttributes` writes, in order, then the trace context the publisher
 * adds when OpenTelemetry is on: the single source the wire document
 * (`generated/asyncapi.wire.yaml`) is generated from and test/interop/wire.int.test.ts holds the
 * emulator to. `required` is what a reader needs (decision 0140: what the subscriber cannot
 * complete from the catalog or the Pub/Sub message); `alwaysSent` is what our publisher writes.
 * `meta-<key>` entries are METADATA_ATTRIBUTE_PREFIX; PUBSUB_SCHEMA_ATTRIBUTES are added by
 * Pub/Sub itself on schema-bound topics.
 */
export const WIRE_ATTRIBUTES: readonly WireAttribute[] = [
  { name: CE.specversion, required: true, alwaysSent: true, schema: { type: 'string', enum: [CLOUDEVENTS_SPEC_VERSION] }, description: 'CloudEvents specification version.' },
  { name: CE.id, required: true, alwaysSent: true, schema: { type: 'string', format: 'uuid' }, description: 'Event id (envelope `eventId`, a UUID); the same across redeliveries: consumers dedupe on it.' },
  { name: CE.type, required: true, alwaysSent: true, schema: { type: 'string' }, description: 'Event type (envelope `eventType`), e.g. `user.created`.' },
  { name: CE.source, required: true, alwaysSent: true, schema: { type: 'string', format: 'uri-reference' }, description: "URI reference of the producer (the publisher's `source` option, default `//clone/event-bus`)." },
  { name: CE.time, required: false, alwaysSent: true, schema: { type: 'string', format: 'date-time' }, description: 'When the event occurred (envelope `occurredAt`), RFC 3339 UTC. Always sent by the SDK; when absent the subscriber takes the Pub/Sub publish time.' },
  { name: CE.subject, required: false, alwaysSent: true, schema: { type: 'string' }, description: 'Aggregate id (envelope `aggregateId`); also the Pub/Sub ordering key on ordered topics. Always sent by the SDK; when absent the subscriber takes the message\'s ordering key, and dead-letters a message with neither (`MISSING_ATTRIBUTES`, reason naming `ce-subject`).' },
  { name: CE.dataschema, required: false, alwaysSent: true, schema: { type: 'string', format: 'uri' }, description: '`$id` of the JSON Schema of this event version (the logical payload model in asyncapi.yaml). Always sent by the SDK; a producer that omits `ce-eventversion` names the version with it.' },
  { name: CE.datacontenttype, required: false, alwaysSent: true, schema: { type: 'string', enum: Object.values(CONTENT_TYPES) }, description: 'How the message data is encoded: `application/avro+json` (Avro JSON encoding), `application/avro` (Avro binary) or `application/json` (plain JSON). Readers also accept parameters such as `; charset=utf-8`, and the binding\'s `content-type` attribute instead. When both are absent: the encoding Pub/Sub names in `googclient_schemaencoding` on a schema-bound topic, else plain JSON.' },
  { name: CE.eventversion, required: false, alwaysSent: true, schema: { type: 'string', pattern: '^[1-9][0-9]*$' }, description: 'Schema version of the payload (envelope `eventVersion`) as a decimal string; with `ce-type` it names the Avro schema to decode with. CloudEvents extension attribute. Always sent by the SDK; when absent the subscriber takes the version whose schema `$id` is `ce-dataschema`, else the only version of the event type, else dead-letters the message (`MISSING_ATTRIBUTES`, reason naming `ce-eventversion`).' },
  { name: CE.aggregatetype, required: false, alwaysSent: true, schema: { type: 'string' }, description: "Aggregate type (envelope `aggregateType`), e.g. `user`. CloudEvents extension attribute. Always sent by the SDK; when absent the subscriber takes the event type's aggregate type from the registry (the constant below)." },
  { name: CE.correlationid, required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Id shared by every event of one business flow (envelope `correlationId`); absent when not set. CloudEvents extension attribute.' },
  { name: CE.causationid, required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Id of the event or command that caused this one (envelope `causationId`); absent when not set. CloudEvents extension attribute.' },
  { name: 'ce-traceparent', required: false, alwaysSent: false, schema: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' }, description: 'W3C trace context of the publish span (CloudEvents distributed-tracing extension); sent only when OpenTelemetry is registered in the producer (docs/observability.md).' },
  { name: 'ce-tracestate', required: false, alwaysSent: false, schema: { type: 'string' }, description: 'W3C `tracestate` beside `ce-traceparent`, when the span has one.' },
];

/** Attributes Pub/Sub adds to every message accepted on a schema-bound topic (docs/emulator-facts.md). */
export const PUBSUB_SCHEMA_ATTRIBUTES: readonly WireAttribute[] = [
  { name: 'googclient_schemaname', required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Added by Pub/Sub on schema-bound topics: the schema resource, `projects/<project>/schemas/<prefix><event type>`.' },
  { name: 'googclient_schemarevisionid', required: false, alwaysSent: false, schema: { type: 'string' }, description: 'Added by Pub/Sub on schema-bound topics: the schema revision the data was validated against; `getSchema(<name>@<revision>)` returns its Avro definition.' },
  { name: 'googclient_schemaencoding', required: false, alwaysSent: false, schema: { type: 'string', enum: ['JSON', 'BINARY'] }, description: "Added by Pub/Sub on schema-bound topics: the topic's schema encoding." },
];
