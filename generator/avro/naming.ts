/**
 * Every Avro name the converter derives goes through here, so names are valid, stable across
 * event versions (resolution matches records and enums by name) and unique within one schema.
 */

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isAvroName(value: string): boolean {
  return AVRO_NAME.test(value);
}

/** 'subscriptionTier' → 'SubscriptionTier', 'latency_ms' → 'LatencyMs', 'user.created' → 'UserCreated'. */
export function pascalCase(value: string): string {
  const words = value.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const joined = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  if (joined === '') return '_';
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** A valid Avro enum symbol for a JSON enum value: invalid characters become '_'. */
export function symbolFor(value: string): string {
  const replaced = value.replace(/[^A-Za-z0-9_]/g, '_');
  if (replaced === '') return '_';
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

/** Hands out names unique within one Avro schema; the same key always gets the same name. */
export class AvroNameTable {
  private readonly nameByKey = new Map<string, string>();
  private readonly keyByName = new Map<string, string>();

  nameOf(key: string): string | undefined {
    return this.nameByKey.get(key);
  }

  /** Claims `wanted` (or `wanted2`, `wanted3`, ... when taken) for `key`. */
  claim(key: string, wanted: string): string {
    const existing = this.nameByKey.get(key);
    if (existing !== undefined) return existing;
    let name = wanted;
    for (let suffix = 2; this.keyByName.has(name); suffix += 1) name = `${wanted}${suffix}`;
    this.nameByKey.set(key, name);
    this.keyByName.set(name, key);
    return name;
  }
}

/**
 * Avro symbols for JSON enum values, index-aligned and unique: values that already are valid
 * symbols keep themselves; the others get a sanitized symbol, suffixed when it is taken
 * (['en-US', 'en_US'] → ['en_US_2', 'en_US']).
 */
export function enumSymbols(values: readonly string[]): string[] {
  const taken = new Set(values.filter(isAvroName));
  return values.map((value) => {
    if (isAvroName(value)) return value;
    const base = symbolFor(value);
    let symbol = base;
    for (let suffix = 2; taken.has(symbol); suffix += 1) symbol = `${base}_${suffix}`;
    taken.add(symbol);
    return symbol;
  });
}
