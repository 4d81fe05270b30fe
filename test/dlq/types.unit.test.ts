/**
 * Compile-time contract of the handler's types, checked by `tsc` (npm run typecheck): a decoded
 * dead letter is typed by the event map and narrows by event type; an undecodable one is bytes
 * and attributes; a wrong decision does not compile. At run time the functions still run.
 */
import { expect, expectTypeOf, it } from 'vitest';
import type { EventMap } from '../../generated/index.js';
import { normaliseDecision } from '../../runtime/dlq/decisions.js';
import type { DeadLetterHandlerFn } from '../../runtime/dlq/handler.js';
import { toDeadLetterMessage } from '../../runtime/dlq/message.js';

const decide: DeadLetterHandlerFn<EventMap> = (message) => {
  if (message.decoded) {
    expectTypeOf(message.originalEvent).toEqualTypeOf<EventMap[keyof EventMap]>();
    if (message.originalEvent.eventType === 'user.created') {
      expectTypeOf(message.originalEvent.payload.subscriptionTier).toEqualTypeOf<'free' | 'pro' | 'enterprise'>();
      return message.originalEvent.payload.subscriptionTier === 'enterprise' ? 'manual' : 'retry';
    }
    return { action: 'discard', reason: `not a sign-up: ${message.originalEvent.eventType}` };
  }
  expectTypeOf(message.originalEvent.data).toEqualTypeOf<Buffer>();
  expectTypeOf(message.decodeFailure.code).toEqualTypeOf<string>();
  return message.deliveryAttempts < 3 ? 'retry' : 'discard';
};

// @ts-expect-error 'ack' is not a decision
const answersAck: DeadLetterHandlerFn<EventMap> = () => 'ack';
// @ts-expect-error a reason is text
const numericReason: DeadLetterHandlerFn<EventMap> = () => ({ action: 'discard', reason: 3 });

it('a handler written against the typed message runs and returns a decision', async () => {
  const raw = toDeadLetterMessage<EventMap>(
    { id: 'm', data: Buffer.from('x'), attributes: {}, publishTime: new Date(0), deliveryAttempt: 0 },
    () => {
      throw new Error('undecodable');
    },
    { sourceTopic: undefined },
  );
  expect(normaliseDecision(await decide(raw))).toEqual({ action: 'retry' });
  expect(() => normaliseDecision(answersAck(raw))).toThrowError(expect.objectContaining({ code: 'DLQ_INVALID_DECISION' }));
  expect(() => normaliseDecision(numericReason(raw))).toThrowError(expect.objectContaining({ code: 'DLQ_INVALID_DECISION' }));
});
