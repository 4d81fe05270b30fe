/** The publish benches' event: user.created (current version), a ~200-byte payload, the i-th user. */
import { createEvent, type UserCreatedEvent } from '../../generated/index.js';

export function userCreated(i: number): UserCreatedEvent {
  const userId = `6f1c2b9e-3d4a-4c8e-9f21-${String(i).padStart(12, '0')}`;
  return createEvent<UserCreatedEvent>('user.created', userId, 'user', {
    userId,
    email: `user${i}@example.com`,
    name: `User ${i}`,
    subscriptionTier: 'pro',
    marketingOptIn: true,
    locale: 'en-GB',
  });
}
