/**
 * `event-bus dlq list|show|requeue|discard|audit|stats`: operating parked dead letters.
 * The database is the event store's (--sqlite, --database-url, DATABASE_URL, or the default
 * SQLite file); requeue publishes through Pub/Sub (--project / GCP_PROJECT_ID, or the emulator).
 * Exit codes: 0 done; 1 an id is unknown or no longer parked (nothing changed for that id);
 * 2 usage or unreadable input, or no such database (stderr); 3 failure. Mapped in cli/plumbing.ts.
 * No verb creates a database file.
 */
import { Command, Option } from 'commander';
import { addDatabaseOptions as addSharedDatabaseOptions, addFormatOption, addProjectOption, existingDatabaseOptionsOf } from '../flags.js';
import type { DatabaseFlags as SharedDatabaseFlags } from '../flags.js';
import { verbAction, type VerbResult } from '../plumbing.js';
import { readEventBusConfig } from '../../runtime/config.js';
import { TransportDeadLetterChannel } from '../../runtime/dlq/channel.js';
import { DeadLetterConfigError } from '../../runtime/dlq/errors.js';
import { ParkedMessages } from '../../ops/dlq/parked-messages.js';
import { openParkedMessageRepository } from '../../runtime/dlq/repository/open-repository.js';
import {
  AUDIT_ACTIONS,
  PARKED_STATUSES,
  type AuditAction,
  type AuditEntry,
  type ParkedMessage,
  type ParkedMessageRepository,
  type ParkedStatus,
} from '../../runtime/dlq/repository/parked-message.js';
import { isEventBusError } from '../../runtime/errors.js';
import { resolveTransport } from '../../runtime/transport/select.js';

export const FLAG_EVENT_TYPE = '--event-type <type>';
export const FLAG_SINCE = '--since <time>';
export const FLAG_UNTIL = '--until <time>';
export const FLAG_ACTOR = '--actor <name>';
export const FLAG_REASON = '--reason <text>';

type OutputFormat = 'text' | 'json';

interface DatabaseFlags extends SharedDatabaseFlags {
  format: OutputFormat;
}

interface ListFlags extends DatabaseFlags {
  eventType?: string;
  since?: Date;
  until?: Date;
  status: ParkedStatus | 'all';
  limit: number;
}

interface AuditFlags extends DatabaseFlags {
  action?: AuditAction;
  eventType?: string;
  parkedId?: string;
  since?: Date;
  until?: Date;
  limit: number;
}

interface ActorFlags extends DatabaseFlags {
  actor?: string;
  reason?: string;
}

interface RequeueFlags extends ActorFlags {
  project?: string;
  topic?: string;
  force?: boolean;
}

const time = (flag: string) => (value: string): Date => {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new DeadLetterConfigError(flag, `'${value}' is not a date or RFC 3339 time`);
  return parsed;
};

const positiveInteger = (flag: string) => (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new DeadLetterConfigError(flag, `must be a positive integer, got '${value}'`);
  return parsed;
};

function addDatabaseOptions(command: Command): Command {
  return addFormatOption(addSharedDatabaseOptions(command));
}

async function withParkedMessages<T>(
  flags: DatabaseFlags & { actor?: string },
  work: (parked: ParkedMessages) => Promise<T>,
  channel?: TransportDeadLetterChannel,
): Promise<T> {
  const repository: ParkedMessageRepository = await openParkedMessageRepository(existingDatabaseOptionsOf(flags));
  try {
    return await work(
      new ParkedMessages({
        repository,
        ...(channel !== undefined && { channel }),
        ...(flags.actor !== undefined && { actor: flags.actor }),
      }),
    );
  } finally {
    await repository.close();
    await channel?.close();
  }
}

/** Runs one operation per id; an unknown or no-longer-parked id is reported and makes the exit code 1. */
async function perId<T>(ids: readonly string[], operation: (id: string) => Promise<T>): Promise<{ results: T[]; failed: number }> {
  const results: T[] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      results.push(await operation(id));
    } catch (error) {
      if (isEventBusError(error, 'DLQ_PARKED_NOT_FOUND') || isEventBusError(error, 'DLQ_PARKED_NOT_PARKED')) {
        process.stderr.write(`event-bus dlq: ${error.message}\n`);
        failed++;
      } else {
        throw error;
      }
    }
  }
  return { results, failed };
}

export function register(program: Command): void {
  const dlq = program.command('dlq').description('Operate parked dead letters: list, show, requeue, discard, audit, stats');

  addDatabaseOptions(dlq.command('list'))
    .description('List parked messages, oldest first')
    .option(FLAG_EVENT_TYPE, 'only this event type')
    .option(FLAG_SINCE, 'parked at or after this time', time('--since'))
    .option(FLAG_UNTIL, 'parked before this time', time('--until'))
    .addOption(new Option('--status <status>', 'status to list').choices([...PARKED_STATUSES, 'all']).default('parked'))
    .option('--limit <n>', 'at most this many', positiveInteger('--limit'), 100)
    .action(verbAction('dlq list', async (flags: ListFlags): Promise<VerbResult> => {
      const messages = await withParkedMessages(flags, (parked) =>
        parked.list({
          status: flags.status,
          limit: flags.limit,
          ...(flags.eventType !== undefined && { eventType: flags.eventType }),
          ...(flags.since !== undefined && { since: flags.since }),
          ...(flags.until !== undefined && { until: flags.until }),
        }),
      );
      process.stdout.write(flags.format === 'json' ? toJson(messages.map(parkedToJson)) : formatList(messages));
      return { findings: 0 };
    }));

  addDatabaseOptions(dlq.command('show'))
    .description('Show one parked message: envelope attributes, failure, history and data')
    .argument('<parked-id>')
    .action(verbAction('dlq show', async (parkedId: string, flags: DatabaseFlags): Promise<VerbResult> => {
      const { results, failed } = await withParkedMessages(flags, async (parked) =>
        perId([parkedId], async (id) => ({ message: await parked.show(id), audit: await parked.audit({ parkedId: id }) })),
      );
      const [shown] = results;
      if (shown) {
        process.stdout.write(
          flags.format === 'json'
            ? toJson({ ...parkedToJson(shown.message), audit: shown.audit.map(auditToJson) })
            : formatShow(shown.message, shown.audit),
        );
      }
      return { findings: failed };
    }));

  addProjectOption(addDatabaseOptions(dlq.command('requeue')))
    .description('Publish parked messages back to their origin topic (the normal path) and mark them requeued')
    .argument('<parked-id...>')
    .option('--topic <id>', 'publish here instead of the origin topic')
    .option('--force', "also requeue messages stuck in 'requeuing' by a requeue that died (consumers dedupe the repeat)")
    .option(FLAG_ACTOR, 'who is requeueing (default: <os user>@<host>)')
    .option(FLAG_REASON, 'why, for the audit trail')
    .action(verbAction('dlq requeue', async (parkedIds: string[], flags: RequeueFlags): Promise<VerbResult> => {
      const { transport, owned } = resolveTransport(undefined, readEventBusConfig(), flags.project);
      if (transport.kind === 'in-process') {
        throw new DeadLetterConfigError(
          '--project',
          'requeue publishes through Pub/Sub: pass --project, or set GCP_PROJECT_ID or PUBSUB_EMULATOR_HOST',
        );
      }
      const channel = new TransportDeadLetterChannel(transport, owned);
      const { results, failed } = await withParkedMessages(
        flags,
        (parked) =>
          perId(parkedIds, (id) =>
            parked.requeue(id, {
              force: flags.force === true,
              ...(flags.topic !== undefined && { topic: flags.topic }),
              ...(flags.reason !== undefined && { reason: flags.reason }),
            }),
          ),
        channel,
      );
      process.stdout.write(
        flags.format === 'json'
          ? toJson(results.map((r) => ({ parkedId: r.parked.parkedId, topic: r.topic, messageId: r.messageId, status: r.parked.status })))
          : results.map((r) => `requeued ${r.parked.parkedId} to ${r.topic} as message ${r.messageId}\n`).join(''),
      );
      return { findings: failed };
    }));

  addDatabaseOptions(dlq.command('discard'))
    .description('Mark parked messages discarded, with who/why/when in the audit trail')
    .argument('<parked-id...>')
    .requiredOption(FLAG_REASON, 'why, for the audit trail')
    .option(FLAG_ACTOR, 'who is discarding (default: <os user>@<host>)')
    .action(verbAction('dlq discard', async (parkedIds: string[], flags: ActorFlags): Promise<VerbResult> => {
      const { results, failed } = await withParkedMessages(flags, (parked) =>
        perId(parkedIds, (id) => parked.discard(id, { ...(flags.reason !== undefined && { reason: flags.reason }) })),
      );
      process.stdout.write(
        flags.format === 'json'
          ? toJson(results.map((m) => ({ parkedId: m.parkedId, status: m.status, resolvedBy: m.resolvedBy, resolvedAt: m.resolvedAt?.toISOString() })))
          : results.map((m) => `discarded ${m.parkedId} (${m.resolvedBy})\n`).join(''),
      );
      return { findings: failed };
    }));

  addDatabaseOptions(dlq.command('stats'))
    .description('Count parked messages per status and decisions per action')
    .option(FLAG_SINCE, 'count decisions at or after this time', time('--since'))
    .action(verbAction('dlq stats', async (flags: DatabaseFlags & { since?: Date }): Promise<VerbResult> => {
      const [statuses, actions] = await withParkedMessages(flags, (parked) =>
        Promise.all([parked.countByStatus(), parked.countAuditByAction(flags.since)]),
      );
      process.stdout.write(
        flags.format === 'json'
          ? toJson({ parked: statuses, decisions: actions })
          : `${[
              `parked messages: ${PARKED_STATUSES.map((status) => `${status} ${statuses[status]}`).join(', ')}`,
              `decisions: ${AUDIT_ACTIONS.map((action) => `${action} ${actions[action]}`).join(', ')}`,
            ].join('\n')}\n`,
      );
      return { findings: 0 };
    }));

  addDatabaseOptions(dlq.command('audit'))
    .description('List the audit trail: every retry, park and discard decision, every requeue and discard by a person')
    .addOption(new Option('--action <action>', 'only this action').choices([...AUDIT_ACTIONS]))
    .option(FLAG_EVENT_TYPE, 'only this event type')
    .option('--parked-id <id>', 'only entries of this parked message')
    .option(FLAG_SINCE, 'at or after this time', time('--since'))
    .option(FLAG_UNTIL, 'before this time', time('--until'))
    .option('--limit <n>', 'at most this many', positiveInteger('--limit'), 1000)
    .action(verbAction('dlq audit', async (flags: AuditFlags): Promise<VerbResult> => {
      const entries = await withParkedMessages(flags, (parked) =>
        parked.audit({
          limit: flags.limit,
          ...(flags.action !== undefined && { action: flags.action }),
          ...(flags.eventType !== undefined && { eventType: flags.eventType }),
          ...(flags.parkedId !== undefined && { parkedId: flags.parkedId }),
          ...(flags.since !== undefined && { since: flags.since }),
          ...(flags.until !== undefined && { until: flags.until }),
        }),
      );
      process.stdout.write(flags.format === 'json' ? toJson(entries.map(auditToJson)) : formatAudit(entries));
      return { findings: 0 };
    }));
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Data as text when it is valid UTF-8 without control characters, else base64. */
function dataForDisplay(data: Buffer): { encoding: 'utf8' | 'base64'; text: string } {
  const text = data.toString('utf8');
  const printable = Buffer.from(text, 'utf8').equals(data) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
  return printable ? { encoding: 'utf8', text } : { encoding: 'base64', text: data.toString('base64') };
}

export function parkedToJson(message: ParkedMessage): Record<string, unknown> {
  const iso = (date: Date | undefined): string | null => date?.toISOString() ?? null;
  return {
    parkedId: message.parkedId,
    status: message.status,
    eventId: message.eventId ?? null,
    eventType: message.eventType ?? null,
    eventVersion: message.eventVersion ?? null,
    aggregateId: message.aggregateId ?? null,
    parkReason: message.parkReason,
    parkNote: message.parkNote ?? null,
    failureCode: message.failureCode,
    failureReason: message.failureReason,
    deliveryAttempts: message.deliveryAttempts,
    retryCount: message.retryCount,
    sourceSubscription: message.sourceSubscription ?? null,
    sourceTopic: message.sourceTopic ?? null,
    originTopic: message.originTopic ?? null,
    firstFailedAt: iso(message.firstFailedAt),
    lastFailedAt: iso(message.lastFailedAt),
    parkedAt: iso(message.parkedAt),
    parkedBy: message.parkedBy,
    resolvedAt: iso(message.resolvedAt),
    resolvedBy: message.resolvedBy ?? null,
    resolutionReason: message.resolutionReason ?? null,
    requeueTopic: message.requeueTopic ?? null,
    requeueMessageId: message.requeueMessageId ?? null,
    deadLetterMessageId: message.deadLetterMessageId,
    orderingKey: message.orderingKey ?? null,
    attributes: message.attributes,
    data: message.data.toString('base64'),
  };
}

export function auditToJson(entry: AuditEntry): Record<string, unknown> {
  return {
    auditId: entry.auditId,
    action: entry.action,
    at: entry.at.toISOString(),
    actor: entry.actor,
    reason: entry.reason ?? null,
    eventId: entry.eventId ?? null,
    eventType: entry.eventType ?? null,
    parkedId: entry.parkedId ?? null,
    deadLetterMessageId: entry.deadLetterMessageId ?? null,
    details: entry.details,
  };
}

export function formatList(messages: readonly ParkedMessage[]): string {
  const lines = messages.map((m) =>
    [
      m.parkedId,
      m.status,
      m.eventType ?? '-',
      m.parkReason,
      m.failureCode,
      `parked ${m.parkedAt.toISOString()}`,
      `attempts ${m.deliveryAttempts}`,
      `retries ${m.retryCount}`,
    ].join('  '),
  );
  lines.push(`${messages.length} message(s)`);
  return `${lines.join('\n')}\n`;
}

export function formatShow(message: ParkedMessage, audit: readonly AuditEntry[]): string {
  const field = (name: string, value: string | number | undefined): string => `${`${name}:`.padEnd(21)}${value ?? '-'}`;
  const data = dataForDisplay(message.data);
  const lines = [
    field('parked id', message.parkedId),
    field('status', message.status),
    field('event', message.eventType ? `${message.eventType} v${message.eventVersion ?? '?'} ${message.eventId ?? ''}`.trim() : undefined),
    field('aggregate id', message.aggregateId),
    field('park reason', message.parkReason + (message.parkNote ? ` (${message.parkNote})` : '')),
    field('failure', `${message.failureCode}: ${message.failureReason}`),
    field('delivery attempts', message.deliveryAttempts),
    field('retries', message.retryCount),
    field('source subscription', message.sourceSubscription),
    field('source topic', message.sourceTopic),
    field('origin topic', message.originTopic),
    field('first failed at', message.firstFailedAt.toISOString()),
    field('last failed at', message.lastFailedAt.toISOString()),
    field('parked at', `${message.parkedAt.toISOString()} by ${message.parkedBy}`),
  ];
  if (message.resolvedAt) {
    lines.push(
      field('resolved', `${message.resolvedAt.toISOString()} by ${message.resolvedBy ?? '?'}${message.resolutionReason ? ` (${message.resolutionReason})` : ''}`),
    );
  }
  if (message.requeueMessageId) lines.push(field('requeued as', `${message.requeueMessageId} on ${message.requeueTopic ?? '?'}`));
  lines.push('attributes:');
  for (const name of Object.keys(message.attributes).sort()) lines.push(`  ${name}=${message.attributes[name]}`);
  lines.push(`data (${data.encoding}, ${message.data.length} bytes):`, `  ${data.text}`);
  lines.push('history:');
  for (const entry of audit) lines.push(`  ${formatAuditLine(entry)}`);
  return `${lines.join('\n')}\n`;
}

function formatAuditLine(entry: AuditEntry): string {
  return [entry.at.toISOString(), entry.action, entry.actor, entry.eventType ?? '-', entry.eventId ?? '-', entry.reason ?? '']
    .join('  ')
    .trimEnd();
}

export function formatAudit(entries: readonly AuditEntry[]): string {
  return `${[...entries.map(formatAuditLine), `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`].join('\n')}\n`;
}
