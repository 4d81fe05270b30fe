import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../../store/migrations.js';

/**
 * The `dlq` migration set: versioned SQL files under runtime/dlq/migrations/<sqlite|postgres>/,
 * applied by the store's migration runner (recorded per component in event_bus_migrations),
 * so the dead-letter tables live in the event store's database.
 */
export const dlqMigrations: MigrationSet = {
  component: 'dlq',
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
};
