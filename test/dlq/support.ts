/** Helpers shared by the dead-letter tests: events, their wire form, and polling. */
import { randomBytes, randomUUID } from 'node:crypto';
import { envelopeToAttributes } from '../../runtime/cloudevents.js';
import { jsonCodec } from '../../runtime/codec/codec.js';
import { lookupEventVersion, type EventCatalog } from '../../runtime/catalog.js';
import type { AnyEventEnvelope } from '../../runtime/envelope.js';
import type { OutgoingMessage } from '../../runtime/dlq/transport-port.js';
import { createEvent, type UserCreatedEvent } from '../../generated/index.js';

/** A unique resource name (Pub/Sub ids start with a letter and have at least 3 characters). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function userCreated(name = 'Ada Lovelace', options: { poison?: boolean } = {}): UserCreatedEvent {
  const userId = randomUUID();
  return createEvent('user.created', userId, 'user', {
    userId,
    email: `${userId.slice(0, 8)}@example.com`,
    name,
    subscriptionTier: 'free',
  }, options.poison ? { metadata: { poison: 'true' } } : {});
}

/** The message the runtime's publisher would send for `event` on a plain-JSON topic. */
export function wireMessage(catalog: EventCatalog, event: AnyEventEnvelope): OutgoingMessage {
  const version = lookupEventVersion(catalog, event.eventType, event.eventVersion);
  return {
    data: jsonCodec.encode(version, event.payload),
    attributes: envelopeToAttributes(event, { source: '//clone/test', dataschema: version.schemaId, encoding: 'json' }),
    orderingKey: event.aggregateId,
  };
}

/** True when every dead letter the handler received has been decided (its effect is durable or it was nacked). */
export function allSettled(counts: { received: number; retried: number; parked: number; discarded: number; nacked: number }): boolean {
  return counts.received === counts.retried + counts.parked + counts.discarded + counts.nacked;
}

/** Polls until `check` returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
