/**
 * A consumer written as another team would write it from `generated/asyncapi.wire.yaml` alone:
 * only @google-cloud/pubsub, avsc and the YAML text of the contract — no code of this project
 * (test/interop/wire.int.test.ts asserts this file imports nothing else). It is also the
 * reference decoder docs/wire-format.md describes.
 */
import { Duration, PubSub, type Message } from '@google-cloud/pubsub';
import avro from 'avsc';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

export interface WireMessage {
  id: string;
  name: string;
  contentType: string;
  headers: Record<string, unknown>;
  payload: Record<string, unknown>;
  'x-event-type': string;
  'x-event-version': number;
}

export interface WireDocument {
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, Omit<WireMessage, 'id'>>; schemas: Record<string, unknown> };
  [key: string]: unknown;
}

export function readWireDocument(text: string): WireDocument {
  return parse(text) as WireDocument;
}

/** The documented message for an event type and version (what `ce-type` and `ce-eventversion` name). */
export function wireMessageFor(document: WireDocument, eventType: string, eventVersion: number): WireMessage | undefined {
  for (const [id, message] of Object.entries(document.components.messages)) {
    if (message['x-event-type'] === eventType && message['x-event-version'] === eventVersion) return { id, ...message };
  }
  return undefined;
}

/**
 * Avro record (decoded with wrapped unions) -> the plain JSON object the contract describes:
 * null in an `x-json-optional` field = property absent; the `x-json-null` enum = JSON null;
 * enum symbols map back through `x-json-values`.
 */
export function avroToPlainJson(schema: AvroSchema, value: unknown, named = new Map<string, AvroSchema>(), namespace = ''): Json {
  if (typeof schema === 'string') {
    const resolved = named.get(schema) ?? named.get(`${namespace}.${schema}`);
    return resolved ? avroToPlainJson(resolved, value, named, namespace) : (value as Json);
  }
  if (Array.isArray(schema)) {
    if (value === null) return null;
    const [branchName, branchValue] = Object.entries(value as Record<string, unknown>)[0]!;
    const branch = schema.find((candidate) => branchNameOf(candidate, namespace) === branchName);
    if (branch === undefined) throw new Error(`union branch ${branchName} is not in the schema`);
    return avroToPlainJson(branch, branchValue, named, namespace);
  }
  const type = schema.type as AvroSchema;
  const ownNamespace = typeof schema.namespace === 'string' ? schema.namespace : namespace;
  if (typeof schema.name === 'string' && (type === 'record' || type === 'enum' || type === 'fixed')) {
    named.set(schema.name.includes('.') ? schema.name : `${ownNamespace}.${schema.name}`, schema);
  }
  switch (type) {
    case 'record': {
      const out: Record<string, Json> = {};
      for (const field of schema.fields as { name: string; type: AvroSchema; 'x-json-optional'?: boolean }[]) {
        const fieldValue = (value as Record<string, unknown>)[field.name];
        if (field['x-json-optional'] && fieldValue === null) continue;
        out[field.name] = avroToPlainJson(field.type, fieldValue, named, ownNamespace);
      }
      return out;
    }
    case 'enum': {
      if (schema['x-json-null']) return null;
      const symbols = schema.symbols as string[];
      const values = schema['x-json-values'] as string[] | undefined;
      return values ? values[symbols.indexOf(value as string)]! : (value as string);
    }
    case 'array':
      return (value as unknown[]).map((item) => avroToPlainJson(schema.items as AvroSchema, item, named, namespace));
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, avroToPlainJson(schema.values as AvroSchema, item, named, namespace)]),
      );
    default:
      return avroToPlainJson(type, value, named, namespace);
  }
}

function branchNameOf(schema: AvroSchema, namespace: string): string {
  if (typeof schema === 'string') return schema.includes('.') || isPrimitive(schema) ? schema : `${namespace}.${schema}`;
  if (Array.isArray(schema)) return 'union';
  const type = schema.type as string;
  if (typeof schema.name === 'string') {
    const ownNamespace = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    return schema.name.includes('.') ? schema.name : `${ownNamespace}.${schema.name}`;
  }
  return type;
}

function isPrimitive(name: string): boolean {
  return ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'].includes(name);
}

/** Decodes message data as the documented message says: Avro JSON, Avro binary or plain JSON. */
export function decodeData(message: WireMessage, data: Buffer): Json {
  if (message.contentType === 'application/json') return JSON.parse(data.toString('utf8')) as Json;
  const schema = (message.payload as { schema: AvroSchema }).schema;
  const type = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
  const record: unknown = message.contentType === 'application/avro+json' ? type.fromString(data.toString('utf8')) : type.fromBuffer(data);
  return avroToPlainJson(schema, record);
}

/** Pulls every message of a subscription until `until` says enough (a bound, not a timing assertion). */
export async function pullAll(
  pubsub: PubSub,
  subscriptionName: string,
  until: (messages: Message[]) => boolean,
  timeoutMs = 60_000,
): Promise<Message[]> {
  const subscription = pubsub.subscription(subscriptionName, { closeOptions: { timeout: Duration.from({ seconds: 2 }) } });
  const messages: Message[] = [];
  subscription.on('error', () => undefined);
  subscription.on('message', (message: Message) => {
    messages.push(message);
    message.ack();
  });
  const deadline = Date.now() + timeoutMs;
  while (!until(messages)) {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await subscription.close();
  return messages;
}
