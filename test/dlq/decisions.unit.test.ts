import { describe, expect, it } from 'vitest';
import {
  FIRST_FAILURE_TIME,
  LAST_FAILURE_TIME,
  ORIGIN_TOPIC,
  RETRY_COUNT,
  RETRY_FOR_SUBSCRIPTION,
} from '../../runtime/dlq/attributes.js';
import { normaliseDecision, planDecision } from '../../runtime/dlq/decisions.js';
import { toDeadLetterMessage } from '../../runtime/dlq/message.js';
import { isEventBusError } from '../../runtime/errors.js';

const published = new Date('2026-05-01T10:00:00.000Z');

function deadLetter(attributes: Record<string, string>, sourceTopic: string | null = 'clone.user.created') {
  return toDeadLetterMessage(
    { id: 'dl-1', data: Buffer.from('{}'), attributes, publishTime: published, deliveryAttempt: 0, orderingKey: 'user-1' },
    () => {
      throw new Error('not decoded in these tests');
    },
    { sourceTopic: sourceTopic ?? undefined },
  );
}

const pubsubAttributes = {
  'ce-id': 'e-1',
  'ce-type': 'user.created',
  CloudPubSubDeadLetterSourceDeliveryCount: '5',
  CloudPubSubDeadLetterSourceSubscription: 'clone-sub.billing.user.created',
  CloudPubSubDeadLetterSourceSubscriptionProject: 'p',
  CloudPubSubDeadLetterSourceTopicPublishTime: '2026-05-01T09:59:00.000Z',
};

describe('normaliseDecision', () => {
  it('accepts the three actions, bare or with a reason', () => {
    expect(normaliseDecision('retry')).toEqual({ action: 'retry' });
    expect(normaliseDecision('manual')).toEqual({ action: 'manual' });
    expect(normaliseDecision({ action: 'discard', reason: 'staging data' })).toEqual({ action: 'discard', reason: 'staging data' });
  });

  it('refuses anything else with a typed error', () => {
    for (const bad of [undefined, 'ack', { action: 'park' }, { action: 'retry', reason: 7 }, 3]) {
      expect(() => normaliseDecision(bad)).toThrowError(expect.objectContaining({ code: 'DLQ_INVALID_DECISION' }));
    }
  });
});

describe('planDecision', () => {
  const routing = { maxRetries: 3, retryTopic: undefined };

  it('retries to the source topic when no retry topic is set, with the count incremented', () => {
    const plan = planDecision({ action: 'retry' }, deadLetter(pubsubAttributes), routing);
    expect(plan.kind).toBe('retry');
    if (plan.kind !== 'retry') return;
    expect(plan.topic).toBe('clone.user.created');
    expect(plan.retryCount).toBe(1);
    expect(plan.message.orderingKey).toBe('user-1');
    expect(plan.message.attributes).toEqual({
      'ce-id': 'e-1',
      'ce-type': 'user.created',
      [RETRY_COUNT]: '1',
      [FIRST_FAILURE_TIME]: published.toISOString(),
      [LAST_FAILURE_TIME]: published.toISOString(),
      [ORIGIN_TOPIC]: 'clone.user.created',
      [RETRY_FOR_SUBSCRIPTION]: 'clone-sub.billing.user.created',
    });
  });

  it('drops attributes Pub/Sub reserves (goog*) so the retry publish is accepted', () => {
    const plan = planDecision(
      { action: 'retry' },
      deadLetter({ ...pubsubAttributes, googclient_schemarevisionid: 'abc', googclient_schemaencoding: 'JSON' }),
      routing,
    );
    expect(plan.kind === 'retry' && Object.keys(plan.message.attributes).filter((name) => name.startsWith('goog'))).toEqual([]);
  });

  it('retries to the retry topic when one is set, keeping the first failure time and origin', () => {
    const message = deadLetter({
      ...pubsubAttributes,
      [RETRY_COUNT]: '2',
      [FIRST_FAILURE_TIME]: '2026-04-30T00:00:00.000Z',
      [ORIGIN_TOPIC]: 'clone.user.created',
    }, 'clone-retry');
    const plan = planDecision({ action: 'retry', reason: 'flaky downstream' }, message, { maxRetries: 3, retryTopic: 'clone-retry' });
    expect(plan).toMatchObject({ kind: 'retry', topic: 'clone-retry', retryCount: 3, reason: 'flaky downstream' });
    if (plan.kind !== 'retry') return;
    expect(plan.message.attributes[FIRST_FAILURE_TIME]).toBe('2026-04-30T00:00:00.000Z');
    expect(plan.message.attributes[ORIGIN_TOPIC]).toBe('clone.user.created');
    expect(message.firstFailureTime.toISOString()).toBe('2026-04-30T00:00:00.000Z');
  });

  it('parks instead of retrying once maxRetries is reached', () => {
    const plan = planDecision({ action: 'retry' }, deadLetter({ ...pubsubAttributes, [RETRY_COUNT]: '3' }), routing);
    expect(plan).toMatchObject({ kind: 'park', parkReason: 'retries-exhausted' });
  });

  it('parks as unroutable when neither a retry topic nor the source topic is known', () => {
    const plan = planDecision({ action: 'retry' }, deadLetter({}, null), routing);
    expect(plan).toMatchObject({ kind: 'park', parkReason: 'unroutable' });
  });

  it('maps manual to park and discard to discard, keeping the reason', () => {
    expect(planDecision({ action: 'manual', reason: 'look at it' }, deadLetter(pubsubAttributes), routing)).toEqual({
      kind: 'park',
      parkReason: 'manual',
      reason: 'look at it',
    });
    expect(planDecision({ action: 'discard' }, deadLetter(pubsubAttributes), routing)).toEqual({ kind: 'discard', reason: undefined });
  });
});

describe('toDeadLetterMessage', () => {
  it('reads Pub/Sub dead-letter attributes and keeps the raw event when it does not decode', () => {
    const message = deadLetter(pubsubAttributes);
    expect(message).toMatchObject({
      messageId: 'dl-1',
      decoded: false,
      eventId: 'e-1',
      eventType: 'user.created',
      deliveryAttempts: 5,
      failureCode: 'MAX_DELIVERY_ATTEMPTS_EXCEEDED',
      failureReason: "delivered 5 times without an ack (the subscription's dead-letter policy forwarded it)",
      sourceSubscription: 'clone-sub.billing.user.created',
      sourceTopic: 'clone.user.created',
      originTopic: 'clone.user.created',
      retryCount: 0,
      firstFailureTime: published,
      lastFailureTime: published,
      originalPublishTime: new Date('2026-05-01T09:59:00.000Z'),
    });
    expect(message.decoded).toBe(false);
    if (!message.decoded) {
      expect(message.originalEvent.attributes).toBe(message.attributes);
      expect(message.decodeFailure).toEqual({ code: 'DECODE_FAILED', message: 'not decoded in these tests' });
    }
  });

  it('takes the code and reason the subscriber recorded, and a full subscription path', () => {
    const message = deadLetter({
      'event-bus-dead-letter-reason': "user.created v2 payload is invalid: '/email' must match format \"email\"",
      'event-bus-error-code': 'EVENT_VALIDATION_FAILED',
      'event-bus-source-subscription': 'projects/p/subscriptions/clone-sub.user.created',
      'event-bus-delivery-attempt': '1',
      'event-bus-source-publish-time': '2026-05-01T09:58:00.000Z',
      [RETRY_COUNT]: 'not-a-number',
    });
    expect(message.failureCode).toBe('EVENT_VALIDATION_FAILED');
    expect(message.failureReason).toBe("user.created v2 payload is invalid: '/email' must match format \"email\"");
    expect(message.sourceSubscription).toBe('clone-sub.user.created');
    expect(message.originalPublishTime).toEqual(new Date('2026-05-01T09:58:00.000Z'));
    expect(message.retryCount).toBe(0);
    expect(message.deliveryAttempts).toBe(1);
  });

  it('is never thrown at: a decoder error becomes decodeFailure with its code', () => {
    const message = toDeadLetterMessage(
      { id: 'x', data: Buffer.from('garbage'), attributes: {}, publishTime: published, deliveryAttempt: 0 },
      () => {
        throw Object.assign(new Error('bad'), { code: 'IGNORED_NOT_EVENT_BUS_ERROR' });
      },
      { sourceTopic: undefined },
    );
    expect(message.decoded).toBe(false);
    expect(isEventBusError(message.decodeFailure)).toBe(false);
    expect(message.decodeFailure?.code).toBe('DECODE_FAILED');
  });
});
