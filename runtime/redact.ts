/**
 * The one redaction function for every error message, log line and `--format json` output
 * (docs/security.md): passwords and tokens in connection strings and key=value settings become
 * `***`. It is applied by `EventBusError` itself, so every typed error is already redacted, and
 * by the CLI wherever it prints an untyped error.
 */

const MASK = '***';

/**
 * `scheme://user:password@host`. Greedy up to the last '@' of the token, so that an unencoded
 * '@' or '/' in the password is masked too (at worst more than the password is masked).
 */
const URL_WITH_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s'"`<>]*)@/g;
/** `password=…` and friends in query strings, libpq conninfo and env-style lines. */
const SECRET_SETTING =
  /\b((?:ssl)?pass(?:word|wd)?|pwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|api[_-]?key|private[_-]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&'"]+)/gi;
/** `"password": "…"` in JSON text. */
const SECRET_JSON_FIELD = /("(?:password|passwd|pwd|secret|token|apiKey|api_key|accessToken|access_token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** Masks credentials anywhere in `text`; text without them is returned unchanged. */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_WITH_USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      // A lone user part may itself be a token (https://TOKEN@host): mask it too.
      return colon === -1 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
    })
    .replace(SECRET_JSON_FIELD, (_match, key: string) => `${key}"${MASK}"`)
    .replace(SECRET_SETTING, (_match, key: string, separator: string) => `${key}${separator}${MASK}`);
}

/** A connection string as it may be shown: credentials masked, nothing else changed. */
export function redactConnectionString(connectionString: string): string {
  return redactSecrets(connectionString);
}

/** `String(error)`'s message part, redacted: for printing errors that are not EventBusErrors. */
export function redactedMessage(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
