/**
 * The publisher's lean publish path (decision 0120): one deadline list and timer for every publish
 * in flight instead of a timer and Promise.race each, and the cheap first test of `occurredAt`.
 * The behaviour must be the one the per-publish timer had: each publish the broker does not answer
 * in time rejects with PublishTimeoutError, answered ones resolve, a late answer changes nothing,
 * and nothing keeps the process alive once every publish has been answered.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventPublisher,
  InProcessTransport,
  InvalidEnvelopeError,
  jsonCodec,
  PublishError,
  PublishTimeoutError,
  type EventCatalog,
  type OutgoingMessage,
  type TopicPublishOptions,
} from '../../runtime/index.js';
import { DeadlineEntry, Deadlines } from '../../runtime/publisher/deadlines.js';
import { ISO_UTC_TIMESTAMP } from '../../runtime/publisher/timestamp.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { exampleEvent } from './support/examples.js';
import { waitUntil } from './support/wait.js';

let catalog: EventCatalog;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});

/** A broker that holds back the answer to every publish whose event id is in `held` until `release()`. */
class SelectiveBroker extends InProcessTransport {
  readonly held = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  override publish(topic: string, message: OutgoingMessage, _options?: TopicPublishOptions): Promise<string> {
    if (!this.held.has(message.attributes['ce-id']!)) return super.publish(topic, message);
    return new Promise((resolve, reject) => this.waiting.push(() => super.publish(topic, message).then(resolve, reject)));
  }
  release(): void {
    for (const answer of this.waiting.splice(0)) answer();
  }
}

describe('publish deadlines: one timer for all publishes in flight', () => {
  it('times out exactly the unanswered publishes of a concurrent burst; late answers change nothing', async () => {
    const transport = new SelectiveBroker();
    const publisher = new EventPublisher({ catalog, transport, publishTimeoutMilliseconds: 150, topicPrefix: 'deadlines' });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const events = Array.from({ length: 60 }, (_, i) => exampleEvent(catalog, 'user.created', `user-${i}`));
    for (const [i, event] of events.entries()) if (i % 3 === 0) transport.held.add(event.eventId);

    const outcomes = await Promise.allSettled(events.map((event) => publisher.publish(event)));
    for (const [i, outcome] of outcomes.entries()) {
      if (i % 3 === 0) {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as PublishTimeoutError;
        expect(error).toBeInstanceOf(PublishTimeoutError);
        expect(error).toMatchObject({ code: 'PUBLISH_TIMEOUT', retryable: true, eventId: events[i]!.eventId, timeoutMilliseconds: 150 });
      } else {
        expect(outcome).toEqual({ status: 'fulfilled', value: expect.any(String) });
      }
    }
    expect(publisher.stats).toEqual({ published: 40, failed: 20, rejected: 0 });

    // The broker answers the held ones after all: they already failed, and count once.
    transport.release();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.stats).toEqual({ published: 40, failed: 20, rejected: 0 });
    await publisher.close();
  });

  it('a transport that throws or rejects gives PublishError with the cause, and no timeout after it', async () => {
    class FailingBroker extends InProcessTransport {
      calls = 0;
      override publish(): Promise<string> {
        this.calls += 1;
        if (this.calls === 1) throw new Error('thrown at once');
        return Promise.reject(Object.assign(new Error('refused'), { code: 9 }));
      }
    }
    const transport = new FailingBroker();
    const publisher = new EventPublisher({ catalog, transport, publishTimeoutMilliseconds: 50, topicPrefix: 'failing' });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const thrown = await publisher.publish(exampleEvent(catalog, 'user.created', 'user-1')).catch((error: unknown) => error);
    const refused = await publisher.publish(exampleEvent(catalog, 'user.created', 'user-2')).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(PublishError);
    expect(thrown).not.toBeInstanceOf(PublishTimeoutError);
    expect((thrown as PublishError).cause).toMatchObject({ message: 'thrown at once' });
    expect(refused).toMatchObject({ code: 'PUBLISH_FAILED', grpcCode: 9, retryable: false });
    // Past the timeout: neither publish fails a second time.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(publisher.stats).toEqual({ published: 0, failed: 2, rejected: 0 });
    await publisher.close();
  });
});

describe('Deadlines', () => {
  class Entry extends DeadlineEntry {
    constructor(readonly name: string) {
      super();
    }
  }

  it('expires entries in the order they were added, skips removed ones, and disarms when empty', async () => {
    const expired: string[] = [];
    const deadlines = new Deadlines<Entry>(40, (entry) => expired.push(entry.name));
    expect(deadlines.armed).toBe(false);
    const [a, b, c] = [new Entry('a'), new Entry('b'), new Entry('c')];
    deadlines.add(a);
    deadlines.add(b);
    expect(deadlines.armed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 15));
    deadlines.add(c);
    expect(deadlines.remove(b)).toBe(true);
    expect(deadlines.size).toBe(2);
    await waitUntil(() => expired.length === 2, 'a and c expired');
    expect(expired).toEqual(['a', 'c']);
    expect(deadlines.remove(a)).toBe(false);
    expect(deadlines.size).toBe(0);
    expect(deadlines.armed).toBe(false);
  });

  it('takes a timeout beyond what a Node timer holds (or Infinity) as "practically never", not as 1 ms', async () => {
    const expired: string[] = [];
    const deadlines = new Deadlines<Entry>(Infinity, (entry) => expired.push(entry.name));
    const entry = new Entry('forever');
    deadlines.add(entry);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(expired).toEqual([]);
    expect(deadlines.remove(entry)).toBe(true);
    expect(deadlines.armed).toBe(false);
  });

  it('clears its timer once the last entry is answered, so it keeps no process alive', () => {
    const deadlines = new Deadlines<Entry>(60_000, () => {
      throw new Error('must not expire');
    });
    const entries = Array.from({ length: 1000 }, (_, i) => new Entry(String(i)));
    for (const entry of entries) deadlines.add(entry);
    // Answered out of order: from both ends and the middle.
    for (let i = 0; i < 500; i++) {
      expect(deadlines.remove(entries[i % 2 === 0 ? i : 999 - i]!)).toBe(true);
    }
    expect(deadlines.armed).toBe(true);
    for (const entry of entries) deadlines.remove(entry);
    expect(deadlines.size).toBe(0);
    expect(deadlines.armed).toBe(false);
  });
});

describe('occurredAt: the cheap first test', () => {
  it('matches only strings Date.parse accepts', () => {
    const fractions = ['', '.1', '.12', '.123', '.1234', '.123456', '.123456789'];
    const wrong: string[] = [];
    let checked = 0;
    for (const year of ['0000', '1970', '2024', '2026', '9999']) {
      for (let month = 1; month <= 12; month++) {
        for (let day = 1; day <= 31; day++) {
          for (const time of ['00:00:00', '12:34:56', '23:59:59']) {
            for (const fraction of fractions) {
              const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${time}${fraction}Z`;
              if (!ISO_UTC_TIMESTAMP.test(text) || Number.isNaN(Date.parse(text))) wrong.push(text);
              checked += 1;
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(5 * 12 * 31 * 3 * fractions.length);
    for (const text of ['2024-01-01T24:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T00:00:60Z', '2024-01-01t00:00:00z', '2024-01-01T00:00:00+01:00', '2024-01-01']) {
      expect(ISO_UTC_TIMESTAMP.test(text), text).toBe(false);
    }
  });

  it('leaves every other string to Date.parse, as before', async () => {
    const transport = new InProcessTransport();
    const publisher = new EventPublisher({ catalog, transport, topicPrefix: 'occurred' });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const at = (occurredAt: string) => ({ ...exampleEvent(catalog, 'user.created', 'user-1'), occurredAt });
    await expect(publisher.publish(at('2024-05-01T12:00:00+02:00'))).resolves.toEqual(expect.any(String));
    await expect(publisher.publish(at('2024-05-01T12:00:00.5Z'))).resolves.toEqual(expect.any(String));
    await expect(publisher.publish(at('yesterday'))).rejects.toBeInstanceOf(InvalidEnvelopeError);
    await expect(publisher.publish(at('2024-05-01T25:00:00Z'))).rejects.toThrow(/occurredAt/);
    await publisher.close();
  });
});

describe('codec choice on the hot path', () => {
  /** Counts publishes that reach the broker, synchronously as they do. */
  class CountingBroker extends InProcessTransport {
    reached = 0;
    override publish(topic: string, message: OutgoingMessage): Promise<string> {
      this.reached += 1;
      return super.publish(topic, message);
    }
  }

  it('a resolver that answers synchronously (the default) is asked once, and even the first burst does not wait for it', async () => {
    const transport = new CountingBroker();
    let asked = 0;
    const publisher = new EventPublisher({
      catalog,
      transport,
      autoCreateTopics: false,
      topicPrefix: 'codec-sync',
      codec: () => {
        asked += 1;
        return jsonCodec;
      },
    });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const burst = Array.from({ length: 10 }, (_, i) => publisher.publish(exampleEvent(catalog, 'user.created', `user-${i}`)));
    expect(transport.reached).toBe(10); // handed over in the same turn, nothing awaited
    await Promise.all(burst);
    expect(asked).toBe(1);
    await publisher.close();
  });

  it('a resolver that returns a promise is asked once per topic; one that fails is asked again by the next publish', async () => {
    const transport = new CountingBroker();
    let asked = 0;
    const publisher = new EventPublisher({
      catalog,
      transport,
      autoCreateTopics: false,
      topicPrefix: 'codec-async',
      codec: async () => {
        asked += 1;
        if (asked === 1) throw new Error('broker unreachable');
        return jsonCodec;
      },
    });
    await transport.ensureTopic(publisher.topicFor('user.created'));
    const first = await Promise.allSettled([1, 2, 3].map((i) => publisher.publish(exampleEvent(catalog, 'user.created', `user-${i}`))));
    expect(first.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(asked).toBe(1);
    const burst = Array.from({ length: 5 }, (_, i) => publisher.publish(exampleEvent(catalog, 'user.created', `user-${i}`)));
    expect(transport.reached).toBe(0); // waiting for the resolver
    await Promise.all(burst);
    expect(asked).toBe(2);
    expect(transport.reached).toBe(5);
    expect(publisher.stats).toMatchObject({ published: 5, rejected: 3 });
    await publisher.close();
  });
});
