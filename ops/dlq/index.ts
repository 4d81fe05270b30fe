// Dead-letter operator tooling: acting on parked messages (list, show, requeue, discard, audit).
// Used by `event-bus dlq` and exported from the package's './dlq' entry point; never by runtime/.
import type { DeadLetterOperatorContext } from '../../runtime/dlq/handler.js';
import { ParkedMessages } from './parked-messages.js';

export {
  defaultOperator,
  ParkedMessages,
  requeueMessage,
  type OperatorAction,
  type ParkedMessagesOptions,
  type RequeueAction,
  type RequeueResult,
} from './parked-messages.js';

/** The operator API on a running handler's database and transport (same actor unless overridden). */
export function parkedMessagesOf(handler: { readonly operatorContext: DeadLetterOperatorContext }): ParkedMessages {
  const { repository, channel, actor } = handler.operatorContext;
  return new ParkedMessages({ repository, channel, actor });
}
