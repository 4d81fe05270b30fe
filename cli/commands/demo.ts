/**
 * `event-bus demo`: runs the product spec's snippets end to end (see cli/demo/scenario.ts).
 * No services needed: the in-process transport and the embedded SQLite store (its file under
 * .event-bus/ in the working directory). With PUBSUB_EMULATOR_HOST set, Pub/Sub is the emulator.
 */
import type { Command } from 'commander';
import { verbAction } from '../plumbing.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description("Run the spec's publish, subscribe, store, replay and dead-letter snippets end to end")
    .action(
      verbAction('demo', async () => {
      const emulator = process.env.PUBSUB_EMULATOR_HOST;
      // The spec's snippets pass a projectId, which selects Pub/Sub (decision 0030); without an
      // emulator the demo runs them on the in-process transport instead.
      if (!emulator) process.env.EVENT_BUS_TRANSPORT ??= 'in-process';
      // The demo shows the embedded store; a DATABASE_URL meant for a service is not touched.
      delete process.env.DATABASE_URL;
      const transport = process.env.EVENT_BUS_TRANSPORT ?? 'pubsub';
      process.stdout.write(
        `demo: transport ${transport === 'in-process' ? 'in-process' : `Pub/Sub emulator at ${emulator}`}, store SQLite (.event-bus/events.db)\n`,
      );
      const { runDemo } = await import('../demo/scenario.js');
      await runDemo({ log: (line) => process.stdout.write(`demo: ${line}\n`) });
      return { findings: 0 };
      }),
    );
}
