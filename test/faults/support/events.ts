/** Events for the fault scenarios: conversation turns, keyed by session, numbered per key. */
import { randomUUID } from 'node:crypto';
import type { AnyEventEnvelope, EventCatalog } from '../../../runtime/index.js';
import { exampleEvent } from '../../runtime/support/examples.js';

export function turn(catalog: EventCatalog, key: string, seq: number): AnyEventEnvelope {
  const event = exampleEvent(catalog, 'conversation.turn_completed', key, { metadata: { seq: String(seq) } });
  return { ...event, payload: { ...(event.payload as Record<string, unknown>), conversationId: key, turnIndex: seq } };
}

export const keys = (count: number): string[] => Array.from({ length: count }, () => randomUUID());

export const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
