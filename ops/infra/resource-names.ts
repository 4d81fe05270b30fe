import { assertResourceId, deadLetterSubscriptionIdFor, subscriptionIdFor, topicIdFor } from '../../runtime/config.js';
import { InvalidSchemaIdError } from './errors.js';

/**
 * Every Pub/Sub resource id provisioning derives. Topic and subscription ids come from the
 * runtime's own naming functions (runtime/config.ts), so the provisioner and the runtime
 * subscriber always agree on names.
 */

/** `${topicPrefix}.${eventType}`, e.g. 'clone.user.created'. */
export function eventTopicId(topicPrefix: string, eventType: string): string {
  return topicIdFor(topicPrefix, eventType);
}

/** One subscription per consumer and event type: `${subscriptionPrefix}.${consumer}.${eventType}`. */
export function eventSubscriptionId(subscriptionPrefix: string, eventType: string, consumer?: string): string {
  return subscriptionIdFor(subscriptionPrefix, eventType, consumer);
}

/** The subscription every dead-letter topic carries, so dead letters are kept, never dropped. */
export function deadLetterSubscriptionId(deadLetterTopicId: string): string {
  return deadLetterSubscriptionIdFor(deadLetterTopicId);
}

export function assertTopicId(id: string): string {
  return assertResourceId('topic', id);
}

export function assertSubscriptionId(id: string): string {
  return assertResourceId('subscription', id);
}

// Schema ids follow the same rule as topic ids (checked on the emulator: 'a.b' is accepted,
// 'ab', '1abc', 'goog-x' and 256 characters are not).
const SCHEMA_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

/** The Pub/Sub schema of an event type shares its topic's id: `${topicPrefix}.${eventType}`. */
export function eventSchemaId(topicPrefix: string, eventType: string): string {
  const id = topicPrefix ? `${topicPrefix}.${eventType}` : eventType;
  if (!SCHEMA_ID.test(id) || id.toLowerCase().startsWith('goog')) throw new InvalidSchemaIdError(id);
  return id;
}

export function topicName(projectId: string, topicId: string): string {
  return `projects/${projectId}/topics/${topicId}`;
}

export function schemaName(projectId: string, schemaId: string): string {
  return `projects/${projectId}/schemas/${schemaId}`;
}

/** The last path segment of `projects/p/topics/id` (ids pass through unchanged). */
export function resourceIdOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}
