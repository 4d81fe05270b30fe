import type { DatabaseOptions } from '../../store/database-options.js';
import type { ParkedMessageRepository } from './parked-message.js';

/**
 * Where parked messages live: the same options, and by default the same database, as the
 * EventStore (`sqlite` path, `databaseUrl`, DATABASE_URL, else the store's default SQLite file).
 */
export interface DeadLetterDatabaseOptions extends DatabaseOptions {
  /** An already open repository (shared with the CLI or a test); its user does not close it. */
  repository?: ParkedMessageRepository;
}
