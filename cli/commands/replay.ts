/**
 * `event-bus replay --from <time> --to <time>`: replays stored events with from <= occurredAt < to,
 * in the store's global order, as NDJSON on stdout (one stored event per line, exactly as stored),
 * or republishes them (upcast, validated) to the replay topic with --republish.
 * The store is the source of truth for replay: Pub/Sub seek is not used.
 * Exit codes: 0 done; 2 usage error or failure (stderr).
 */
import { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { isEventBusError } from '../../runtime/errors.js';
import { redactedMessage } from '../../runtime/redact.js';
import type { EventCatalog } from '../../runtime/catalog.js';
import { EventPublisher } from '../../runtime/publisher/index.js';
import { EventReplayer, type ReplayOptions, type ReplayProgress } from '../../runtime/replay/index.js';
import type { EventMapShape } from '../../runtime/envelope.js';
import { addDatabaseOptions, databaseOptionsOf, type DatabaseFlags } from './store.js';

export const FLAG_FROM = '--from <time>';
export const FLAG_TO = '--to <time>';
export const FLAG_TYPE = '--type <eventTypes...>';
export const FLAG_AGGREGATE_TYPE = '--aggregate-type <type>';
export const FLAG_AGGREGATE_ID = '--aggregate-id <id>';
export const FLAG_REPUBLISH = '--republish';
export const FLAG_TOPIC = '--topic <id>';
export const FLAG_PROJECT = '--project <id>';
export const FLAG_EVENT_STORE_TOPIC = '--event-store-topic <id>';
export const FLAG_PROGRESS = '--progress';

interface ReplayFlags extends DatabaseFlags {
  from: string;
  to: string;
  type?: string[];
  aggregateType?: string;
  aggregateId?: string;
  republish?: boolean;
  topic?: string;
  project?: string;
  eventStoreTopic?: string;
  progress?: boolean;
}

function parseTime(flag: string, value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`${flag} '${value}' is not a date or timestamp (e.g. 2024-01-31 or 2024-01-31T12:00:00Z)`);
  return date;
}

class UsageError extends Error {}

/** The generated SDK's catalog (republishing validates every event against it). */
async function loadGeneratedCatalog(): Promise<EventCatalog> {
  try {
    const generated = (await import(new URL('../../generated/catalog.js', import.meta.url).href)) as {
      catalog: EventCatalog;
    };
    return generated.catalog;
  } catch (error) {
    throw new UsageError(
      `--republish needs the generated SDK (run \`event-bus generate\`): ${(error as Error).message}`,
    );
  }
}

export async function runReplay(flags: ReplayFlags): Promise<number> {
  let replayer: EventReplayer | undefined;
  let publisher: EventPublisher | undefined;
  try {
    const from = parseTime('--from', flags.from);
    const to = parseTime('--to', flags.to);
    const catalog: EventCatalog = flags.republish ? await loadGeneratedCatalog() : { events: {} };
    replayer = new EventReplayer({
      catalog,
      ...databaseOptionsOf(flags),
      ...(flags.eventStoreTopic !== undefined && { eventStoreTopic: flags.eventStoreTopic }),
      ...(flags.topic !== undefined && { replayTopic: flags.topic }),
      // NDJSON is the stored record; republished events go out in their current version.
      upcast: flags.republish === true,
    });
    const onProgress = flags.progress
      ? (progress: ReplayProgress) =>
          process.stderr.write(`replay: ${progress.processed}/${progress.total} (position ${progress.lastPosition})\n`)
      : undefined;
    const options: ReplayOptions<EventMapShape> = {
      ...(flags.type !== undefined && { eventTypes: flags.type }),
      ...(flags.aggregateType !== undefined && { aggregateType: flags.aggregateType }),
      ...(flags.aggregateId !== undefined && { aggregateId: flags.aggregateId }),
      ...(onProgress && { onProgress }),
    };
    if (flags.republish) {
      publisher = new EventPublisher({ catalog, ...(flags.project !== undefined && { projectId: flags.project }) });
      const result = await replayer.republishTimeRange(from, to, { ...options, publisher });
      process.stdout.write(`republished ${result.processed} event(s) to ${replayer.replayTopic}\n`);
    } else {
      await replayer.replayTimeRange(
        from,
        to,
        (event) => {
          process.stdout.write(`${JSON.stringify(event)}\n`);
        },
        options,
      );
    }
    return EXIT_OK;
  } catch (error) {
    const message = redactedMessage(error);
    process.stderr.write(`event-bus: ${isEventBusError(error) ? `${error.code}: ` : ''}${message}\n`);
    return EXIT_USAGE;
  } finally {
    await publisher?.close();
    await replayer?.close();
  }
}

export function register(program: Command): void {
  addDatabaseOptions(
    program
      .command('replay')
      .description('Replay stored events of a time range [from, to) as NDJSON, or republish them to the replay topic')
      .requiredOption(FLAG_FROM, 'start of the range, inclusive (ISO 8601)')
      .requiredOption(FLAG_TO, 'end of the range, exclusive (ISO 8601)')
      .option(FLAG_TYPE, 'only these event types')
      .option(FLAG_AGGREGATE_TYPE, 'only this aggregate type')
      .option(FLAG_AGGREGATE_ID, 'only this aggregate')
      .option(FLAG_REPUBLISH, 'publish to the replay topic instead of printing NDJSON')
      .option(FLAG_TOPIC, 'replay topic (default: EVENT_BUS_REPLAY_TOPIC, then <event-store topic>-replay)')
      .option(FLAG_EVENT_STORE_TOPIC, 'event-store topic the default replay topic is named after')
      .option(FLAG_PROJECT, 'GCP project (default: GCP_PROJECT_ID)')
      .option(FLAG_PROGRESS, 'report progress on stderr'),
  ).action(async (flags: ReplayFlags) => {
    process.exitCode = await runReplay(flags);
  });
}
