/**
 * Sample events from the registry's schemas and the reducer specification, on the project's own
 * registry and generated catalog.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  catalog,
  type ConversationStartedEvent,
  type ConversationTurnCompletedEvent,
  type EventMap,
  type VersionedEventMap,
} from '../../generated/index.js';
import { lookupEventVersion, type StoredEvent } from '../../runtime/index.js';
import { EventAssertionError, EventSamples, ReducerSpec, SampleGenerationError } from '../../testing/index.js';
import { REPO_ROOT } from '../generator/support.js';

const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog, registryRoot: REPO_ROOT });
const everyVersion = Object.values(catalog.events).flatMap((entry) =>
  Object.keys(entry.versions).map((version) => ({ eventType: entry.eventType, version: Number(version) })),
);

describe('EventSamples', () => {
  it.each(everyVersion)('$eventType v$version: samples pass the generated validator and repeat for a seed', ({ eventType, version }) => {
    const validate = lookupEventVersion(catalog, eventType, version).validate;
    for (const seed of [1, 2, 3]) {
      const event = samples.event(eventType as 'user.created', { version: version as 1, seed });
      expect(event.eventType).toBe(eventType);
      expect(event.eventVersion).toBe(version);
      const result = validate(event.payload);
      expect(result.valid, result.valid ? '' : JSON.stringify(result.issues)).toBe(true);
      expect(samples.event(eventType as 'user.created', { version: version as 1, seed })).toEqual(event);
    }
    expect(samples.examples(eventType as 'user.created', version as 1).length).toBeGreaterThan(0);
  });

  it('different seeds give different events', () => {
    const ids = new Set([1, 2, 3, 4].map((seed) => samples.event('document.processed', { seed }).eventId));
    expect(ids.size).toBe(4);
  });

  it('works as a fast-check arbitrary in a property test', () => {
    let runs = 0;
    fc.assert(
      fc.property(samples.eventArbitrary('conversation.turn_completed', 2), (event) => {
        runs += 1;
        return event.payload.turnIndex >= 0 && event.eventVersion === 2;
      }),
      { numRuns: 50, seed: 42 },
    );
    expect(runs).toBe(50);
  });

  it('names the schema it cannot read', () => {
    const elsewhere = new EventSamples<EventMap, VersionedEventMap>({ catalog, registryRoot: '/nonexistent' });
    expect(() => elsewhere.event('user.created')).toThrow(SampleGenerationError);
    expect(() => elsewhere.event('user.created')).toThrow(/schemas\/user.created\/2.json/);
  });
});

interface SessionSummary {
  status: 'none' | 'active';
  channel?: string;
  turns: number;
  tokens: number;
}

type SessionEvent = ConversationStartedEvent | ConversationTurnCompletedEvent;

const sessionReducer = (state: SessionSummary, event: StoredEvent<SessionEvent>): SessionSummary => {
  switch (event.eventType) {
    case 'conversation.started':
      return { ...state, status: 'active', channel: event.payload.channel };
    case 'conversation.turn_completed':
      return { ...state, turns: state.turns + 1, tokens: state.tokens + event.payload.tokenUsage.totalTokens };
  }
};

describe('ReducerSpec', () => {
  const sessionId = '0b4c6f0e-2d4a-4f51-9d7e-3c2b1a0f9e8d';
  const started = samples.event('conversation.started', { seed: 1, aggregateId: sessionId });
  const turn = (seed: number) => samples.event('conversation.turn_completed', { seed, aggregateId: sessionId });
  const spec = ReducerSpec.for<EventMap, SessionSummary>({
    catalog,
    reducer: sessionReducer as never,
    initialState: { status: 'none', turns: 0, tokens: 0 },
  });

  it('given/when/then folds through a real store', async () => {
    const [first, second] = [turn(1), turn(2)];
    await spec
      .given([started, first])
      .when([second])
      .then({
        status: 'active',
        channel: started.payload.channel,
        turns: 2,
        tokens: first.payload.tokenUsage.totalTokens + second.payload.tokenUsage.totalTokens,
      });
  });

  it('a wrong expectation fails with the place it differs', async () => {
    await expect(spec.given([started]).then({ turns: 1 })).rejects.toThrow(/differs at \/turns/);
    await expect(spec.given([started]).then(() => false)).rejects.toBeInstanceOf(EventAssertionError);
  });

  it('thenThrows: an invalid event is refused by the store, as in production', async () => {
    const invalid = { ...started, payload: { ...started.payload, channel: 'carrier-pigeon' } } as unknown as SessionEvent;
    await spec.given([invalid]).thenThrows('EVENT_VALIDATION_FAILED');
    await expect(spec.given([started]).thenThrows()).rejects.toThrow(/expected the events to be refused/);
  });
});
