/**
 * Tiny parsers for environment variables. Hand-written instead of a schema library because the config is
 * read once at boot and a general validator cost ~100 ms of start-up for a flat list of strings
 * (docs/performance.md). An empty string counts as unset, as most hosts cannot unset a variable.
 */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface EnvField<T> {
  parse(raw: string | undefined): FieldResult<T>;
}

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = (problem: string): FieldResult<never> => ({ ok: false, problem });
const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw === '';

function field<T>(check: (raw: string) => FieldResult<T>): EnvField<T | undefined> & {
  default(value: T): EnvField<T>;
} {
  return {
    parse: (raw) => (blank(raw) ? ok(undefined) : check(raw)),
    default: (value) => ({ parse: (raw) => (blank(raw) ? ok(value) : check(raw)) }),
  };
}

export const text = (minLength = 1) =>
  field((raw) => (raw.length >= minLength ? ok(raw) : fail(`must be at least ${minLength} characters`)));

export const matching = (pattern: RegExp, message: string) =>
  field((raw) => (pattern.test(raw) ? ok(raw) : fail(message)));

export const oneOf = <const V extends string>(values: readonly V[]) =>
  field((raw) =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as V)
      : fail(`must be one of ${values.join(', ')} (got "${raw}")`),
  );

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  field((raw) => {
    const n = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(n))
      return fail(`must be a whole number (got "${raw}")`);
    return n >= min && n <= max ? ok(n) : fail(`must be between ${min} and ${max}`);
  });

/** http(s) URLs only: every URL the service is configured with is one it calls or links to. */
export const httpUrl = (name: string) =>
  field((raw) => {
    try {
      const u = new URL(raw);
      if (u.protocol === 'http:' || u.protocol === 'https:') return ok(raw);
    } catch {
      // reported below
    }
    return fail(`${name} must be an absolute URL (e.g. https://…)`);
  });

export type EnvShape = Record<string, EnvField<unknown>>;
export type EnvOf<S extends EnvShape> = { [K in keyof S]: S[K] extends EnvField<infer T> ? T : never };

/** Parses every field, collecting all problems instead of stopping at the first. */
export function parseEnv<S extends EnvShape>(
  shape: S,
  raw: Record<string, string | undefined>,
): { env: EnvOf<S>; problems: Array<{ variable: string; problem: string }> } {
  const env: Record<string, unknown> = {};
  const problems: Array<{ variable: string; problem: string }> = [];
  for (const [name, f] of Object.entries(shape)) {
    const result = f.parse(raw[name]);
    if (result.ok) env[name] = result.value;
    else problems.push({ variable: name, problem: result.problem });
  }
  return { env: env as EnvOf<S>, problems };
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** One duration such as `90s`, `15m`, `1h`, `3d` or `250ms`, in milliseconds. */
export function parseDurationMs(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(raw);
  return m ? Math.round(Number(m[1]) * DURATION_UNITS_MS[m[2]]) : undefined;
}

export const duration = () =>
  field((raw) => {
    const ms = parseDurationMs(raw);
    return ms !== undefined && ms > 0
      ? ok(ms)
      : fail(`must be a duration such as 30s, 15m, 1h or 3d (got "${raw}")`);
  });

/** A comma-separated list of durations, each longer than the one before (an empty list is allowed: `none`). */
export const durationList = () =>
  field((raw) => {
    if (raw.trim() === 'none') return ok([] as number[]);
    const list = raw.split(',').map((part) => parseDurationMs(part));
    if (list.some((ms) => ms === undefined || ms <= 0)) {
      return fail(`must be durations such as 1d,3d,5d,7d or none (got "${raw}")`);
    }
    const values = list as number[];
    if (values.some((ms, i) => i > 0 && ms <= values[i - 1]))
      return fail('each duration must be longer than the one before');
    return ok(values);
  });
