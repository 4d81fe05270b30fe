/**
 * One contract for every ParkedMessageRepository backend (SQLite, PostgreSQL): the same
 * behaviour, the same errors. Each backend's test file calls it with a factory.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  NewAuditEntry,
  NewParkedMessage,
  ParkedMessageRepository,
} from '../../runtime/dlq/repository/parked-message.js';
import { isEventBusError } from '../../runtime/errors.js';

export function newParked(overrides: Partial<NewParkedMessage> = {}): NewParkedMessage {
  return {
    parkedId: randomUUID(),
    deadLetterMessageId: `dl-${randomUUID()}`,
    eventId: randomUUID(),
    eventType: 'user.created',
    eventVersion: 1,
    aggregateId: randomUUID(),
    sourceTopic: 'clone.user.created',
    sourceSubscription: 'clone-sub.user.created',
    originTopic: 'clone.user.created',
    failureCode: 'MAX_DELIVERY_ATTEMPTS_EXCEEDED',
    failureReason: 'delivered 5 times without an ack',
    parkReason: 'manual',
    parkNote: 'needs a look',
    deliveryAttempts: 5,
    retryCount: 1,
    firstFailedAt: new Date('2026-01-01T10:00:00.000Z'),
    lastFailedAt: new Date('2026-01-01T10:05:00.000Z'),
    parkedAt: new Date('2026-01-01T10:05:01.000Z'),
    parkedBy: 'dlq-handler',
    data: Buffer.from([0x7b, 0x00, 0xff, 0x7d]),
    attributes: { 'ce-id': 'x', 'ce-type': 'user.created', 'event-bus-retry-count': '1' },
    orderingKey: 'user-1',
    ...overrides,
  };
}

function parkAudit(message: NewParkedMessage): NewAuditEntry {
  return {
    action: 'park',
    deadLetterMessageId: message.deadLetterMessageId,
    parkedId: message.parkedId,
    eventId: message.eventId,
    eventType: message.eventType,
    actor: 'dlq-handler',
    reason: message.parkNote,
    at: message.parkedAt,
    details: { parkReason: message.parkReason },
  };
}

export function parkedMessageRepositoryContract(
  name: string,
  open: () => Promise<ParkedMessageRepository>,
): void {
  describe(`ParkedMessageRepository contract: ${name}`, () => {
    let repository: ParkedMessageRepository;

    beforeEach(async () => {
      repository = await open();
      await repository.migrate();
    });
    afterEach(async () => {
      await repository.close();
    });

    it('migrates idempotently', async () => {
      await repository.migrate();
      await repository.migrate();
      expect(await repository.list()).toEqual([]);
    });

    it('parks a message and reads every field back, bytes included', async () => {
      const message = newParked({ failureCode: 'EVENT_VALIDATION_FAILED', failureReason: "'/email' must match format \"email\"" });
      const result = await repository.park(message, parkAudit(message));
      expect(result).toEqual({ parkedId: message.parkedId, created: true });
      const stored = await repository.get(message.parkedId);
      expect(stored).toEqual({
        ...message,
        status: 'parked',
        resolvedAt: undefined,
        resolvedBy: undefined,
        resolutionReason: undefined,
        requeueTopic: undefined,
        requeueMessageId: undefined,
      });
      expect(Buffer.compare(stored!.data, message.data)).toBe(0);
    });

    it('keeps optional fields absent when the event did not decode', async () => {
      const message = newParked({
        eventId: undefined,
        eventType: undefined,
        eventVersion: undefined,
        aggregateId: undefined,
        orderingKey: undefined,
        sourceTopic: undefined,
        originTopic: undefined,
        parkNote: undefined,
        attributes: {},
      });
      await repository.park(message, parkAudit(message));
      const stored = await repository.get(message.parkedId);
      expect(stored?.eventType).toBeUndefined();
      expect(stored?.eventVersion).toBeUndefined();
      expect(stored?.orderingKey).toBeUndefined();
      expect(stored?.attributes).toEqual({});
    });

    it('parks a redelivered dead letter once and audits it once', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      const again = { ...message, parkedId: randomUUID() };
      const second = await repository.park(again, parkAudit(again));
      expect(second).toEqual({ parkedId: message.parkedId, created: false });
      expect(await repository.list({ status: 'all' })).toHaveLength(1);
      const audit = await repository.listAudit({ deadLetterMessageId: message.deadLetterMessageId });
      expect(audit.map((entry) => entry.action)).toEqual(['park']);
    });

    it('records an audit entry once per dead letter and action', async () => {
      const entry: NewAuditEntry = {
        action: 'discard',
        deadLetterMessageId: `dl-${randomUUID()}`,
        parkedId: undefined,
        eventId: randomUUID(),
        eventType: 'document.processed',
        actor: 'alice@example.com',
        reason: 'test data from staging',
        at: new Date('2026-02-01T00:00:00.000Z'),
        details: { deliveryAttempts: 5 },
      };
      expect(await repository.recordAudit(entry)).toBe(true);
      expect(await repository.recordAudit(entry)).toBe(false);
      const audit = await repository.listAudit({ action: 'discard' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ ...entry, auditId: expect.any(Number) });
    });

    it('lists parked messages by event type and time range, oldest first', async () => {
      const times = ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'];
      const parked = times.map((time, index) =>
        newParked({ parkedAt: new Date(time), eventType: index === 1 ? 'conversation.ended' : 'user.created' }),
      );
      for (const message of [...parked].reverse()) await repository.park(message, parkAudit(message));

      expect((await repository.list()).map((m) => m.parkedId)).toEqual(parked.map((m) => m.parkedId));
      expect((await repository.list({ eventType: 'user.created' })).map((m) => m.parkedId)).toEqual([
        parked[0]!.parkedId,
        parked[2]!.parkedId,
      ]);
      const range = await repository.list({ since: new Date(times[1]!), until: new Date(times[2]!) });
      expect(range.map((m) => m.parkedId)).toEqual([parked[1]!.parkedId]);
      expect(await repository.list({ limit: 2 })).toHaveLength(2);
    });

    it('requeues through a claim, records who/why/when and the new message id', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      const claimed = await repository.claimForRequeue(message.parkedId);
      expect(claimed.status).toBe('requeuing');
      await expect(repository.claimForRequeue(message.parkedId)).rejects.toMatchObject({ code: 'DLQ_PARKED_NOT_PARKED' });
      const at = new Date('2026-04-01T12:00:00.000Z');
      const done = await repository.completeRequeue(message.parkedId, {
        actor: 'bob',
        reason: 'consumer fixed',
        at,
        topic: 'clone.user.created',
        messageId: 'm-42',
      });
      expect(done).toMatchObject({
        status: 'requeued',
        resolvedBy: 'bob',
        resolutionReason: 'consumer fixed',
        resolvedAt: at,
        requeueTopic: 'clone.user.created',
        requeueMessageId: 'm-42',
      });
      expect(await repository.list()).toEqual([]);
      expect((await repository.list({ status: 'requeued' })).map((m) => m.parkedId)).toEqual([message.parkedId]);
      const audit = await repository.listAudit({ parkedId: message.parkedId });
      expect(audit.map((entry) => [entry.action, entry.actor, entry.reason])).toEqual([
        ['park', 'dlq-handler', 'needs a look'],
        ['requeue', 'bob', 'consumer fixed'],
      ]);
      expect(audit[1]?.details).toEqual({ topic: 'clone.user.created', messageId: 'm-42' });
    });

    it('claims a row stuck in requeuing only when asked to', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      await repository.claimForRequeue(message.parkedId);
      await expect(repository.claimForRequeue(message.parkedId)).rejects.toMatchObject({ code: 'DLQ_PARKED_NOT_PARKED' });
      expect((await repository.claimForRequeue(message.parkedId, { includeStuck: true })).status).toBe('requeuing');
      await expect(repository.discard(message.parkedId, { actor: 'x', reason: undefined, at: new Date() })).rejects.toMatchObject({
        code: 'DLQ_PARKED_NOT_PARKED',
      });
      expect((await repository.get(message.parkedId))?.status).toBe('requeuing');
    });

    it('reclaims a row left in requeuing once its lease has expired, without includeStuck', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      // A requeue that died: its claim holds a short lease and is never completed or released.
      await repository.claimForRequeue(message.parkedId, { leaseMilliseconds: 50 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reclaimed = await repository.claimForRequeue(message.parkedId, { leaseMilliseconds: 60_000 });
      expect(reclaimed.status).toBe('requeuing');
      // The new claim's lease is live: nobody else takes the row over.
      await expect(repository.claimForRequeue(message.parkedId)).rejects.toMatchObject({ code: 'DLQ_PARKED_NOT_PARKED' });
    });

    it('releases a requeue claim after a failed publish', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      await repository.claimForRequeue(message.parkedId);
      await repository.releaseRequeueClaim(message.parkedId);
      expect((await repository.get(message.parkedId))?.status).toBe('parked');
    });

    it('discards a parked message once, with an audit entry', async () => {
      const message = newParked();
      await repository.park(message, parkAudit(message));
      const at = new Date('2026-04-02T08:00:00.000Z');
      const discarded = await repository.discard(message.parkedId, { actor: 'carol', reason: 'duplicate of another order', at });
      expect(discarded).toMatchObject({ status: 'discarded', resolvedBy: 'carol', resolvedAt: at });
      await expect(repository.discard(message.parkedId, { actor: 'carol', reason: undefined, at })).rejects.toSatisfy(
        (error: unknown) => isEventBusError(error, 'DLQ_PARKED_NOT_PARKED'),
      );
      await expect(repository.claimForRequeue(message.parkedId)).rejects.toMatchObject({ code: 'DLQ_PARKED_NOT_PARKED' });
      const audit = await repository.listAudit({ action: 'discard-parked' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ parkedId: message.parkedId, actor: 'carol', reason: 'duplicate of another order', at });
    });

    it('reports an unknown parked id as a typed not-found error', async () => {
      const missing = randomUUID();
      expect(await repository.get(missing)).toBeUndefined();
      expect(await repository.get('not-a-uuid')).toBeUndefined();
      await expect(repository.discard(missing, { actor: 'x', reason: undefined, at: new Date() })).rejects.toMatchObject({
        code: 'DLQ_PARKED_NOT_FOUND',
      });
      await expect(repository.claimForRequeue('not-a-uuid')).rejects.toMatchObject({ code: 'DLQ_PARKED_NOT_FOUND' });
    });

    it('counts messages per status and audit entries per action', async () => {
      const [a, b, c] = [newParked(), newParked(), newParked()];
      for (const message of [a!, b!, c!]) await repository.park(message, parkAudit(message));
      await repository.discard(b!.parkedId, { actor: 'x', reason: undefined, at: new Date() });
      expect(await repository.countByStatus()).toEqual({ parked: 2, requeuing: 0, requeued: 0, discarded: 1 });
      expect(await repository.countAuditByAction()).toEqual({ retry: 0, park: 3, discard: 0, requeue: 0, 'discard-parked': 1 });
      expect(await repository.countAuditByAction(new Date('2100-01-01T00:00:00.000Z'))).toEqual({
        retry: 0,
        park: 0,
        discard: 0,
        requeue: 0,
        'discard-parked': 0,
      });
    });
  });
}
