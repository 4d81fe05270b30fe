/**
 * Issue 11: `DATABASE_URL=postgress://admin:Secret@…` (a typo in the scheme) printed the password.
 * One redaction function (runtime/redact.ts) now runs on every typed error and on every error the
 * CLI prints, text or `--format json`.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { EventBusError } from '../../runtime/errors.js';
import { redactSecrets } from '../../runtime/redact.js';
import { resolveDatabaseTarget } from '../../runtime/store/database.js';

const SECRET = 'S3cr3t-Pa55';

async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ exit: number; out: string }> {
  const chunks: string[] = [];
  const write = (chunk: unknown): boolean => (chunks.push(String(chunk)), true);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(write);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const exitCode = process.exitCode;
  try {
    const exit = await main(['node', 'event-bus', ...args]);
    return { exit, out: chunks.join('') };
  } finally {
    process.exitCode = exitCode;
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('no password in any error, log line or --format json output', () => {
  it('a mistyped DATABASE_URL scheme names the scheme, never the password', async () => {
    for (const format of ['text', 'json']) {
      const { exit, out } = await runCli(['store', 'stats', '--format', format], {
        DATABASE_URL: `postgress://admin:${SECRET}@db.internal:5432/events`,
      });
      expect(exit).toBe(2);
      expect(out).toContain("'postgress:'");
      expect(out).not.toContain(SECRET);
    }
    const flag = await runCli(['store', 'migrate', '--database-url', `postgresq://admin:${SECRET}@db/events`]);
    expect(flag.exit).toBe(2);
    expect(flag.out).not.toContain(SECRET);
    expect(() => resolveDatabaseTarget({ databaseUrl: `${SECRET}` })).toThrow(/not a URL/);
    expect(() => resolveDatabaseTarget({ databaseUrl: SECRET })).not.toThrow(new RegExp(SECRET));
  });

  it('a refused connection to PostgreSQL does not echo the connection string', async () => {
    const { exit, out } = await runCli(['store', 'stats', '--format', 'json', '--database-url', `postgres://admin:${SECRET}@127.0.0.1:1/events`]);
    // A server that does not answer is a failure, not bad input (exit 3, cli/plumbing.ts).
    expect(exit).toBe(3);
    expect(out).not.toContain(SECRET);
  });

  it('every typed error is redacted at construction (message and stack)', () => {
    const error = new EventBusError('X', `cannot reach postgres://admin:${SECRET}@db:5432/events?sslpassword=${SECRET}x`);
    expect(error.message).toBe('cannot reach postgres://admin:***@db:5432/events?sslpassword=***');
    expect(error.stack).not.toContain(SECRET);
  });

  it('masks conninfo settings, JSON fields and bare tokens in URLs', () => {
    expect(redactSecrets(`host=db user=admin password=${SECRET} dbname=events`)).toBe('host=db user=admin password=*** dbname=events');
    expect(redactSecrets(`{"user":"admin","password":"${SECRET}"}`)).toBe('{"user":"admin","password":"***"}');
    expect(redactSecrets(`https://${SECRET}@git.example.test/repo.git`)).toBe('https://***@git.example.test/repo.git');
    expect(redactSecrets('postgres://db.internal:5432/events, no credentials')).toBe('postgres://db.internal:5432/events, no credentials');
  });

  it('property: no generated password survives in a URL, a conninfo string or JSON (2,000 cases)', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9!$%()*+,;=~._-]{6,40}$/).filter((text) => !/^\*+$/.test(text));
    fc.assert(
      fc.property(password, fc.constantFrom('postgres', 'postgresql', 'postgress', 'redis', 'https'), fc.string({ maxLength: 20 }), (secret, scheme, context) => {
        // Surrounding text that itself contains the password (context "toString", password
        // "toString") leaves it visible where it is not a secret: not a leak.
        fc.pre(!context.includes(secret));
        const texts = [
          `${context} ${scheme}://user:${secret}@host:5432/db ${context}`,
          `${context} password=${secret} host=x`,
          JSON.stringify({ message: context, password: secret }),
        ];
        for (const text of texts) {
          const redacted = redactSecrets(text);
          expect(redacted.includes(`:${secret}@`) || redacted.includes(`=${secret}`) || redacted.includes(`"${secret}"`), `${text} → ${redacted}`).toBe(false);
        }
      }),
      // Unseeded: each run tries new cases; a failure prints its seed, the text and its redaction.
      { numRuns: 2000 },
    );
  });
});
