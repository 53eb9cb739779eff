// The values of the expression language (what expressions compute over action outputs) and how they map onto JavaScript.

/** A CEL `uint`: a distinct wrapper so that `1u` and `1` stay different types at run time. */
export class CelUint {
  constructor(readonly value: bigint) {}
  toString(): string {
    return `${this.value}u`;
  }
}

/** A CEL `timestamp`: nanoseconds since the Unix epoch, from 0001-01-01 to 9999-12-31 UTC. */
export class CelTimestamp {
  constructor(readonly nanos: bigint) {}
}

/** A CEL `duration`: a signed number of nanoseconds (about ±10,000 years). */
export class CelDuration {
  constructor(readonly nanos: bigint) {}
}

/** A semantic version (semver.org 2.0.0), ordered by precedence; build metadata is kept but ignored. */
export class CelSemver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly prerelease: readonly string[],
    readonly build: string,
  ) {}
  toString(): string {
    const pre = this.prerelease.length > 0 ? `-${this.prerelease.join(".")}` : "";
    return `${this.major}.${this.minor}.${this.patch}${pre}${this.build ? `+${this.build}` : ""}`;
  }
}

/** A CEL type used as a value (`type(1) == int`): identified by its name. */
export class CelTypeValue {
  constructor(readonly name: string) {}
}

/** An evaluation error. Errors are values: they flow through operators and never escape as exceptions. */
export class CelError {
  constructor(readonly message: string) {}
}

/** A map key: int, uint, bool or string. */
export type CelKey = bigint | CelUint | boolean | string;

/** Every value an expression can produce. */
export type CelValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | CelUint
  | readonly CelValue[]
  | ReadonlyMap<CelKey, CelValue>
  | CelTimestamp
  | CelDuration
  | CelSemver
  | CelTypeValue;

/** What evaluation returns: a value or an error value. */
export type CelResult = CelValue | CelError;

/** Variables given to `program.evaluate`, by name. */
export type Bindings = Readonly<Record<string, CelValue>>;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

/** The CEL type name of a runtime value, as `type(v)` reports it. */
export function runtimeTypeName(v: CelValue): string {
  switch (typeof v) {
    case "bigint":
      return "int";
    case "number":
      return "double";
    case "string":
      return "string";
    case "boolean":
      return "bool";
  }
  if (v === null) return "null_type";
  if (v instanceof CelUint) return "uint";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "map";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof CelTimestamp) return "google.protobuf.Timestamp";
  if (v instanceof CelDuration) return "google.protobuf.Duration";
  if (v instanceof CelSemver) return "semver";
  return "type";
}

/** A short display name for error messages (`timestamp` instead of the protobuf name). */
export function shortTypeName(v: CelValue): string {
  if (v instanceof CelTimestamp) return "timestamp";
  if (v instanceof CelDuration) return "duration";
  return runtimeTypeName(v);
}

/** Error helpers with the messages the rest of the evaluator shares. */
export const errors = {
  noOverload: (fn: string, ...args: CelValue[]) =>
    new CelError(`no matching overload for '${fn}' applied to (${args.map(shortTypeName).join(", ")})`),
  overflow: (op: string) => new CelError(`${op}: integer overflow`),
  divideByZero: () => new CelError("division by zero"),
  moduloByZero: () => new CelError("modulus by zero"),
  noSuchKey: (key: CelValue) => new CelError(`no such key: ${displayKey(key)}`),
  indexOutOfRange: (i: bigint | number, size: number) =>
    new CelError(`index out of range: ${i} (size ${size})`),
  range: (what: string) => new CelError(`${what} out of range`),
};

function displayKey(k: CelValue): string {
  return typeof k === "string" ? `'${k}'` : String(k);
}

/** True when a value is an error value. */
export function isError(v: unknown): v is CelError {
  return v instanceof CelError;
}
