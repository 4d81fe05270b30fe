/**
 * Fault: `dlq requeue` is SIGKILLed between claiming a parked message and finishing its publish.
 * Before issue 12 the row stayed 'requeuing' until someone knew to pass --force. Now the claim
 * holds a lease: while it is live nobody else takes the row; once it has expired a plain requeue
 * (no force) reclaims it and the event is published (it may arrive twice; consumers dedupe by id).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteParkedMessageRepository, TransportDeadLetterChannel } from '../../runtime/dlq/index.js';
import { ParkedMessages } from '../../ops/dlq/index.js';
import { InProcessTransport } from '../../runtime/index.js';
import { openSqlite } from '../../runtime/store/database.js';
import { newParked } from '../dlq/parked-repository.contract.js';
import { sleep } from './support/events.js';
import { startWorker } from './support/workers.js';

const directory = mkdtempSync(join(tmpdir(), 'event-bus-faults-dlq-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('a requeue killed mid-way', () => {
  it('leaves a lease that expires; the next plain requeue reclaims and publishes the message', async () => {
    const path = join(directory, 'parked.sqlite');
    const repository = new SqliteParkedMessageRepository({ db: openSqlite(path), closeDatabase: true });
    await repository.migrate();
    const topic = `faults-requeue-${randomUUID().slice(0, 8)}`;
    const parked = newParked({ originTopic: topic, sourceTopic: topic });
    await repository.park(parked, {
      action: 'park',
      deadLetterMessageId: parked.deadLetterMessageId,
      parkedId: parked.parkedId,
      eventId: parked.eventId,
      eventType: parked.eventType,
      actor: 'faults',
      reason: 'parked by the fault test',
      at: new Date(),
      details: {},
    });

    const leaseMilliseconds = 1500;
    const child = startWorker('requeue', 'dlq-requeue', { SQLITE_PATH: path, PARKED_ID: parked.parkedId, LEASE_MS: String(leaseMilliseconds) });
    await child.waitFor((line) => line.kind === 'publishing', 60_000, 'the publish started');
    child.kill('SIGKILL');
    const exit = await child.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect((await repository.get(parked.parkedId))?.status).toBe('requeuing');

    const transport = new InProcessTransport({ projectId: 'faults' });
    await transport.ensureTopic(topic);
    await transport.ensureSubscription(`${topic}-watch`, { topic });
    const arrived: string[] = [];
    transport.subscribe(`${topic}-watch`, (message) => {
      arrived.push(message.attributes['ce-id'] ?? '');
      message.ack();
    });
    const operator = new ParkedMessages({ repository, channel: new TransportDeadLetterChannel(transport, false), actor: 'faults' });
    // While the dead requeue's lease is live, nobody takes the row over (two requeues never run at once).
    const early = await operator.requeue(parked.parkedId).catch((error: unknown) => error);
    const earlyCode = (early as { code?: string }).code;
    if (earlyCode !== undefined) expect(earlyCode).toBe('DLQ_PARKED_NOT_PARKED');
    // After it: a plain requeue, no force.
    await sleep(leaseMilliseconds + 200);
    const result = earlyCode === undefined ? early : await operator.requeue(parked.parkedId);
    expect(result).toMatchObject({ parked: { status: 'requeued' }, topic });
    for (let i = 0; i < 50 && arrived.length === 0; i++) await sleep(20);
    const counts = { ...(await repository.countByStatus()), arrived: arrived.length, earlyRefused: earlyCode !== undefined };
    console.info('[faults] dlq requeue killed:', JSON.stringify(counts));
    expect(arrived).toEqual([parked.attributes['ce-id']]);
    expect(counts).toMatchObject({ parked: 0, requeuing: 0, requeued: 1 });
    await transport.close();
    await repository.close();
  });
});
