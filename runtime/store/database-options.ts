/**
 * Where the store's (and its neighbours') tables live: options and the resolved target. Kept free
 * of driver types so that the runtime's public declarations never name `pg` or `better-sqlite3`
 * (a consumer without the drivers type-checks with skipLibCheck: false; decision 0006).
 */
export interface DatabaseOptions {
  /** SQLite file path or ':memory:'. Wins over `databaseUrl`. */
  sqlite?: string;
  /** PostgreSQL connection string; defaults to the DATABASE_URL environment variable. */
  databaseUrl?: string;
  /** PostgreSQL schema the tables live in (search_path); default: the server's default. */
  postgresSchema?: string;
  /** Maximum PostgreSQL connections in the pool. */
  postgresPoolMax?: number;
}

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly schema?: string;
      readonly poolMax: number;
    };
