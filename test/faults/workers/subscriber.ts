/**
 * A subscriber process for the fault suite: one subscription, every handled event printed as a
 * JSON line, state changes and errors too, and graceful shutdown on SIGTERM through
 * shutdownOnSignals (its report is the last line). Nothing here restarts anything: healing is the
 * runtime's job.
 * Env: PUBSUB_EMULATOR_HOST, GCP_PROJECT_ID, TOPIC_PREFIX, SUBSCRIPTION, DEAD_LETTER_TOPIC,
 *      ORDERED ('1'|'0'), HANDLER_DELAY_MS, MAX_MESSAGES.
 */
import { EventSubscriber, isEventBusError, shutdownOnSignals } from '../../../runtime/index.js';
import { loadRegistryCatalog } from '../../support/registry-catalog.js';
import { emit } from '../support/workers.js';

const catalog = await loadRegistryCatalog();
const delay = Number(process.env.HANDLER_DELAY_MS ?? 0);
const subscriber = new EventSubscriber({
  catalog,
  topicPrefix: process.env.TOPIC_PREFIX!,
  deadLetterTopic: process.env.DEAD_LETTER_TOPIC!,
  enableMessageOrdering: process.env.ORDERED === '1',
  ackDeadlineSeconds: 10,
  retryPolicy: { minimumBackoffSeconds: 1, maximumBackoffSeconds: 2 },
  flowControl: { maxMessages: Number(process.env.MAX_MESSAGES ?? 50) },
  closeTimeoutMilliseconds: 2000,
  reconnect: { initialMilliseconds: 250, maxMilliseconds: 2000, probeTimeoutMilliseconds: 1500 },
  onError: (error) => emit('error', { code: isEventBusError(error) ? error.code : (error as { code?: unknown }).code, message: error.message }),
  onStateChange: (change) => emit('state', { state: change.state, previous: change.previous, error: change.error?.message }),
});
const subscription = await subscriber.subscribe({
  eventType: 'conversation.turn_completed',
  subscription: process.env.SUBSCRIPTION!,
  handler: async (event, context) => {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    emit('handled', { eventId: event.eventId, key: event.aggregateId, seq: Number(event.metadata?.seq), attempt: context.deliveryAttempt });
  },
});
shutdownOnSignals([subscriber], {
  timeoutMilliseconds: 8000,
  onShutdown: (report) => emit('shutdown', { ...report, failed: report.failed.length, stats: subscription.stats, health: subscription.health() }),
});
emit('ready', { subscription: subscription.subscription });
