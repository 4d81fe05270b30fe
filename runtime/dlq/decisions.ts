import type { EventMapShape } from '../envelope.js';
import {
  FIRST_FAILURE_TIME,
  LAST_FAILURE_TIME,
  ORIGIN_TOPIC,
  PER_FAILURE_ATTRIBUTES,
  RETRY_COUNT,
  RETRY_FOR_SUBSCRIPTION,
} from './attributes.js';
import { InvalidDecisionError, NoRouteError } from './errors.js';
import type { DeadLetterMessage } from './message.js';
import type { OutgoingMessage } from './transport-port.js';

/** The three things a handler can decide. */
export type DeadLetterAction = 'retry' | 'discard' | 'manual';

/** A decision with a note on why (stored in the audit trail). */
export interface DeadLetterDecisionWithReason {
  readonly action: DeadLetterAction;
  readonly reason?: string;
}

/** What a dead-letter handler returns: a bare action, or an action with a reason. */
export type DeadLetterDecision = DeadLetterAction | DeadLetterDecisionWithReason;

/** Why a message was parked. */
export type ParkReason = 'manual' | 'retries-exhausted' | 'unroutable';

/** What the handler will actually do with a message, decided before any side effect. */
export type PlannedAction =
  | { readonly kind: 'retry'; readonly topic: string; readonly message: OutgoingMessage; readonly retryCount: number; readonly reason: string | undefined }
  | { readonly kind: 'park'; readonly parkReason: ParkReason; readonly reason: string | undefined }
  | { readonly kind: 'discard'; readonly reason: string | undefined };

export interface RetryRouting {
  /** Retries past this count are parked instead. */
  readonly maxRetries: number;
  /** Where retries go; when absent they go back to the source topic. */
  readonly retryTopic: string | undefined;
}

/** Validates what a handler returned and normalises it to `{ action, reason }`. */
export function normaliseDecision(decision: unknown): DeadLetterDecisionWithReason {
  if (decision === 'retry' || decision === 'discard' || decision === 'manual') return { action: decision };
  if (typeof decision === 'object' && decision !== null) {
    const { action, reason } = decision as { action?: unknown; reason?: unknown };
    if ((action === 'retry' || action === 'discard' || action === 'manual') && (reason === undefined || typeof reason === 'string')) {
      return reason === undefined ? { action } : { action, reason };
    }
  }
  throw new InvalidDecisionError(decision);
}

/**
 * Turns a decision into a plan. Pure: no I/O, so every routing rule is unit-tested.
 * - `retry` goes to `retryTopic` when configured, else back to the source topic, with the
 *   retry count incremented; once the count would pass `maxRetries` the message is parked
 *   ('retries-exhausted') instead, so nothing loops forever.
 *   With no retry topic and an unknown source topic it is parked ('unroutable').
 * - `manual` parks; `discard` discards.
 */
export function planDecision<M extends EventMapShape>(
  decision: DeadLetterDecisionWithReason,
  message: DeadLetterMessage<M>,
  routing: RetryRouting,
): PlannedAction {
  switch (decision.action) {
    case 'discard':
      return { kind: 'discard', reason: decision.reason };
    case 'manual':
      return { kind: 'park', parkReason: 'manual', reason: decision.reason };
    case 'retry': {
      if (message.retryCount >= routing.maxRetries) {
        return {
          kind: 'park',
          parkReason: 'retries-exhausted',
          reason: decision.reason ?? `retried ${message.retryCount} times (maxRetries ${routing.maxRetries})`,
        };
      }
      const topic = routing.retryTopic ?? message.sourceTopic;
      if (!topic) {
        // Nacking would loop forever on the dead-letter subscription: park it for a person instead.
        return {
          kind: 'park',
          parkReason: 'unroutable',
          reason: new NoRouteError(message.messageId, 'no retryTopic is configured and the source topic is unknown').message,
        };
      }
      const retryCount = message.retryCount + 1;
      return {
        kind: 'retry',
        topic,
        retryCount,
        reason: decision.reason,
        message: {
          data: message.data,
          attributes: retryAttributes(message, retryCount),
          ...(message.orderingKey !== undefined && { orderingKey: message.orderingKey }),
        },
      };
    }
  }
}

/**
 * The attributes a retried message carries: the original ones without this trip's
 * dead-letter attributes, plus the retry count, failure times, origin and failing subscription.
 */
export function retryAttributes<M extends EventMapShape>(
  message: DeadLetterMessage<M>,
  retryCount: number,
): Record<string, string> {
  const attributes = withoutPerFailureAttributes(message.attributes);
  attributes[RETRY_COUNT] = String(retryCount);
  attributes[FIRST_FAILURE_TIME] = message.firstFailureTime.toISOString();
  attributes[LAST_FAILURE_TIME] = message.lastFailureTime.toISOString();
  if (message.originTopic) attributes[ORIGIN_TOPIC] = message.originTopic;
  if (message.sourceSubscription) attributes[RETRY_FOR_SUBSCRIPTION] = message.sourceSubscription;
  return attributes;
}

/**
 * A copy of `attributes` without the ones that describe a single trip through a dead-letter
 * topic, and without `goog*` ones (Pub/Sub adds `googclient_schema*` on schema topics and refuses
 * them on publish).
 */
export function withoutPerFailureAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (!PER_FAILURE_ATTRIBUTES.includes(name) && !name.toLowerCase().startsWith('goog')) copy[name] = value;
  }
  return copy;
}
