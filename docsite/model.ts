/**
 * What the event catalog shows, as plain data: built from the registry once (source.ts), then
 * rendered as HTML or Markdown. Everything is sorted, so the same registry gives the same bytes.
 */

export interface DocsField {
  /** Dotted path from the payload root; `[]` marks array items, e.g. 'citedDocumentIds[]'. */
  path: string;
  /** JSON pointer into the version's schema file where the field is declared. */
  pointer: string;
  /** 'string', 'integer', 'object', 'array of string', 'one of: A | B', … */
  type: string;
  format?: string;
  required: boolean;
  nullable: boolean;
  description?: string;
  enum?: readonly unknown[];
  /** Other constraints as written: minimum, maxLength, pattern, … */
  constraints: ReadonlyArray<[string, unknown]>;
  deprecated: boolean;
}

export interface DocsChange {
  rule: string;
  message: string;
  pointer: string;
  compatible: boolean;
  /** Documentation-only: $id, title, description, default, examples, $comment. */
  metadata: boolean;
}

export interface DocsChangelog {
  from: number;
  to: number;
  /** Under the event type's compatibility mode and policy, as `event-bus check` judges it. */
  compatible: boolean;
  changes: DocsChange[];
}

export interface DocsVersion {
  version: number;
  schemaFile: string;
  schemaId: string;
  description?: string;
  deprecated: boolean;
  fields: DocsField[];
  examples: unknown[];
  /** The Pub/Sub Avro schema, when the topic is bound to one. */
  avroSchema?: unknown;
  /** From the previous version to this one (absent for the first). */
  changelog?: DocsChangelog;
}

export interface DocsOperation {
  id: string;
  action: 'send' | 'receive';
  title?: string;
  /** Services: `x-producers` / `x-consumers` of the operation, else the operation id. */
  services: string[];
}

export interface DocsEvent {
  eventType: string;
  /** File name of its page without extension: safe on every file system and in a URL. */
  slug: string;
  title?: string;
  description?: string;
  aggregateType: string;
  /** Topic id without the deployment prefix. */
  topic: string;
  ordered: boolean;
  payloadEncoding: string;
  compatibility: { mode: string; policy: string; reason?: string };
  producers: DocsOperation[];
  consumers: DocsOperation[];
  /** Subscription ids the runtime derives for each consumer (default prefix). */
  subscriptions: string[];
  currentVersion: number;
  versions: DocsVersion[];
}

export interface DocsSiteModel {
  title: string;
  version: string;
  description?: string;
  events: DocsEvent[];
  /** Every producing or consuming service, sorted. */
  services: string[];
}
