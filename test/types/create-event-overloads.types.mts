/**
 * Cases the runtime's `CreateEventFn` does not catch yet: without an explicit type argument, its
 * second overload infers `E` as the union of all events, so any event's aggregate type or payload
 * fits. Giving that overload a default (`<E extends M[keyof M] = never>`) makes both errors.
 * (.mts: outside the root tsconfig, whose tsc must stay clean.) Checked by types.unit.test.ts with `it.fails` until runtime/create-event.ts changes.
 */
import { createEvent, type ConversationEndedPayload, type UserCreatedPayload } from '../../index.js';

declare const userPayload: UserCreatedPayload;
declare const conversationPayload: ConversationEndedPayload;
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';

// @ts-expect-error wrong aggregate type for the event type
createEvent('user.created', userId, 'voice_model', userPayload);
// @ts-expect-error the payload of another event type
createEvent('user.created', userId, 'user', conversationPayload);
