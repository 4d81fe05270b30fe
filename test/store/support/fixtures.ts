/** Events and a catalog for the store tests, built from the real registry (schemas/**). */
import { randomUUID } from 'node:crypto';
import {
  createEventFactory,
  type AnyEventEnvelope,
  type EventCatalog,
  type EventEnvelope,
} from '../../../runtime/index.js';
import { loadRegistryCatalog } from '../../support/registry-catalog.js';

let catalogPromise: Promise<EventCatalog> | undefined;

/** The registry's catalog, compiled once per test file. */
export function storeTestCatalog(): Promise<EventCatalog> {
  catalogPromise ??= loadRegistryCatalog();
  return catalogPromise;
}

export interface UserCreatedV1 {
  userId: string;
  email: string;
  name: string;
  subscriptionTier: 'free' | 'pro' | 'enterprise';
  marketingOptIn?: boolean;
}
export interface UserCreatedV2 extends UserCreatedV1 {
  locale?: string;
  referralCode?: string | null;
}
export interface TurnCompletedV1 {
  conversationId: string;
  turnIndex: number;
  userText: string;
  cloneText: string;
  latency: {
    totalMs: number;
    speechToTextMs: number | null;
    retrievalMs: number;
    generationMs: number;
    textToSpeechMs: number;
  };
  tokenUsage: { promptTokens: number; completionTokens: number; totalTokens: number };
  citedDocumentIds: string[];
  completedAt: string;
}
export interface TurnCompletedV2 extends TurnCompletedV1 {
  responseModel?: string;
  interrupted?: boolean;
}
export interface ConversationStartedV1 {
  conversationId: string;
  userId: string;
  channel: 'web' | 'phone' | 'api';
  locale: string;
  voiceModelId: string | null;
  faceModelId: string | null;
  startedAt: string;
}

/** A hand-written stand-in for the generated event map (current versions). */
export type TestEventMap = {
  'user.created': EventEnvelope<'user.created', UserCreatedV2, 2, 'user'>;
  'conversation.started': EventEnvelope<'conversation.started', ConversationStartedV1, 1, 'conversation_session'>;
  'conversation.turn_completed': EventEnvelope<
    'conversation.turn_completed',
    TurnCompletedV2,
    2,
    'conversation_session'
  >;
};

/** And for the generator's VersionedEventMap (event type -> version -> envelope). */
export type TestVersionedEventMap = {
  'user.created': {
    1: EventEnvelope<'user.created', UserCreatedV1, 1, 'user'>;
    2: TestEventMap['user.created'];
  };
  'conversation.started': { 1: TestEventMap['conversation.started'] };
  'conversation.turn_completed': {
    1: EventEnvelope<'conversation.turn_completed', TurnCompletedV1, 1, 'conversation_session'>;
    2: TestEventMap['conversation.turn_completed'];
  };
};

export const createTestEvent = (catalog: EventCatalog) => createEventFactory<TestEventMap>(catalog);

export function userCreatedV2(
  catalog: EventCatalog,
  userId: string = randomUUID(),
  overrides: Partial<UserCreatedV2> = {},
) {
  return createTestEvent(catalog)('user.created', userId, 'user', {
    userId,
    email: 'ada.lovelace@example.com',
    name: 'Ada Lovelace',
    subscriptionTier: 'pro',
    locale: 'en-GB',
    ...overrides,
  });
}

/** A user.created stored under version 1, as an older producer wrote it. */
export function userCreatedV1(userId: string = randomUUID(), overrides: Partial<UserCreatedV1> = {}): AnyEventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: 'user.created',
    eventVersion: 1,
    aggregateId: userId,
    aggregateType: 'user',
    occurredAt: new Date().toISOString(),
    payload: {
      userId,
      email: 'grace@hopper.example.org',
      name: 'Grace Hopper',
      subscriptionTier: 'enterprise',
      ...overrides,
    },
    metadata: { producer: 'legacy-accounts' },
  };
}

export function conversationStarted(catalog: EventCatalog, sessionId: string, occurredAt?: Date) {
  return createTestEvent(catalog)(
    'conversation.started',
    sessionId,
    'conversation_session',
    {
      conversationId: sessionId,
      userId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
      channel: 'web',
      locale: 'en-US',
      voiceModelId: null,
      faceModelId: null,
      startedAt: (occurredAt ?? new Date()).toISOString(),
    },
    occurredAt ? { occurredAt } : {},
  );
}

function turnPayload(sessionId: string, turnIndex: number, totalTokens: number): TurnCompletedV1 {
  return {
    conversationId: sessionId,
    turnIndex,
    userText: `question ${turnIndex}`,
    cloneText: `answer ${turnIndex}`,
    latency: {
      totalMs: 1000 + turnIndex,
      speechToTextMs: null,
      retrievalMs: 10,
      generationMs: 900,
      textToSpeechMs: 90,
    },
    tokenUsage: { promptTokens: totalTokens - 1, completionTokens: 1, totalTokens },
    citedDocumentIds: [],
    completedAt: new Date().toISOString(),
  };
}

export function turnCompleted(
  catalog: EventCatalog,
  sessionId: string,
  turnIndex: number,
  options: { totalTokens?: number; occurredAt?: Date; correlationId?: string } = {},
) {
  return createTestEvent(catalog)(
    'conversation.turn_completed',
    sessionId,
    'conversation_session',
    { ...turnPayload(sessionId, turnIndex, options.totalTokens ?? 100), responseModel: 'clone-large' },
    {
      ...(options.occurredAt && { occurredAt: options.occurredAt }),
      ...(options.correlationId && { correlationId: options.correlationId }),
    },
  );
}

/** A turn_completed stored under version 1. */
export function turnCompletedV1(sessionId: string, turnIndex: number, totalTokens = 100): AnyEventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: 'conversation.turn_completed',
    eventVersion: 1,
    aggregateId: sessionId,
    aggregateType: 'conversation_session',
    occurredAt: new Date().toISOString(),
    payload: turnPayload(sessionId, turnIndex, totalTokens),
    metadata: {},
  };
}

/** Turns of one session, for streams of any length. */
export function turns(catalog: EventCatalog, sessionId: string, count: number, startIndex = 0) {
  return Array.from({ length: count }, (_, i) =>
    turnCompleted(catalog, sessionId, startIndex + i, { totalTokens: 10 + ((startIndex + i) % 7) }),
  );
}
