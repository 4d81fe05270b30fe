/**
 * `event-bus replay --from <time> --to <time>`: replays stored events with from <= occurredAt < to,
 * in the store's global order, as NDJSON on stdout (one stored event per line, exactly as stored),
 * or republishes them (upcast, validated) to the replay topic with --republish.
 * The store is the source of truth for replay: Pub/Sub seek is not used.
 * Read-only without --republish: it never creates a database. Output ends quietly when the
 * reader goes away (`replay … | head`). Exit codes (cli/plumbing.ts): 0 done; 2 usage error or no
 * such database; 3 failure (stderr).
 */
import type { Command } from 'commander';
import type { EventCatalog } from '../../runtime/catalog.js';
import { EventPublisher } from '../../runtime/publisher/index.js';
import { EventReplayer, type ReplayOptions, type ReplayProgress } from '../../runtime/replay/index.js';
import type { EventMapShape } from '../../runtime/envelope.js';
import { addDatabaseOptions, addProjectOption, existingDatabaseOptionsOf, type DatabaseFlags } from '../flags.js';
import { UsageError, verbAction, type VerbResult } from '../plumbing.js';

export const FLAG_FROM = '--from <time>';
export const FLAG_TO = '--to <time>';
export const FLAG_TYPE = '--type <eventTypes...>';
export const FLAG_AGGREGATE_TYPE = '--aggregate-type <type>';
export const FLAG_AGGREGATE_ID = '--aggregate-id <id>';
export const FLAG_REPUBLISH = '--republish';
export const FLAG_TOPIC = '--topic <id>';
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

export async function runReplay(flags: ReplayFlags): Promise<VerbResult> {
  let replayer: EventReplayer | undefined;
  let publisher: EventPublisher | undefined;
  try {
    const from = parseTime('--from', flags.from);
    const to = parseTime('--to', flags.to);
    const catalog: EventCatalog = flags.republish ? await loadGeneratedCatalog() : { events: {} };
    replayer = new EventReplayer({
      catalog,
      ...existingDatabaseOptionsOf(flags),
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
      return { findings: 0 };
    } else {
      await replayer.replayTimeRange(
        from,
        to,
        (event) => {
          process.stdout.write(`${JSON.stringify(event)}\n`);
        },
        options,
      );
      return { findings: 0 };
    }
  } finally {
    await publisher?.close();
    await replayer?.close();
  }
}

export function register(program: Command): void {
  const command = addDatabaseOptions(
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
      .option(FLAG_PROGRESS, 'report progress on stderr'),
  );
  addProjectOption(command).action(verbAction('replay', (flags: ReplayFlags) => runReplay(flags)));
}
