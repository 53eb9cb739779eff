// Timestamps and durations: RFC 3339 and `1h2m3.5s` text, range checks, and calendar fields in a time zone.
import { CelDuration, CelError, CelTimestamp } from "../contract/cel-values.js";

const NS_PER_S = 1_000_000_000n;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z in seconds since the epoch. */
const MIN_TS_S = -62135596800n;
const MAX_TS_S = 253402300799n;
/** The largest duration: int64 nanoseconds (about ±292 years), as cel-go's durations. */
const MAX_DUR_NS = 2n ** 63n - 1n;

/** A timestamp, or a range error when it falls outside years 1–9999. */
export function timestampOf(nanos: bigint): CelTimestamp | CelError {
  const s = nanos >= 0n ? nanos / NS_PER_S : -((-nanos + NS_PER_S - 1n) / NS_PER_S);
  if (s < MIN_TS_S || s > MAX_TS_S) return new CelError("timestamp out of range");
  return new CelTimestamp(nanos);
}

/** A duration, or a range error beyond ±292 years (int64 nanoseconds). */
export function durationOf(nanos: bigint): CelDuration | CelError {
  if (nanos > MAX_DUR_NS || nanos < -MAX_DUR_NS) return new CelError("duration out of range");
  return new CelDuration(nanos);
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parse an RFC 3339 timestamp such as `2009-02-13T23:31:30Z` or `...+01:00`. */
export function parseTimestamp(text: string): CelTimestamp | CelError {
  const m = RFC3339.exec(text);
  if (!m) return new CelError(`timestamp '${text}' is not RFC 3339 (write e.g. 2024-05-01T12:00:00Z)`);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if ((year as number) < 1) return new CelError("timestamp out of range");
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 60) {
    return new CelError(`timestamp '${text}' has an invalid field`);
  }
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hour!, minute!, second!, 0);
  let seconds = BigInt(Math.floor(date.getTime() / 1000));
  if (m[9]) {
    const off = BigInt(Number(m[10]) * 3600 + Number(m[11]) * 60);
    seconds += m[9] === "+" ? -off : off;
  }
  const frac = BigInt((m[7] ?? "").padEnd(9, "0") || "0");
  return timestampOf(seconds * NS_PER_S + frac);
}

const UNIT_NS: Record<string, bigint> = {
  h: 3600n * NS_PER_S,
  m: 60n * NS_PER_S,
  s: NS_PER_S,
  ms: 1_000_000n,
  us: 1_000n,
  µs: 1_000n,
  ns: 1n,
};

/** Parse a duration such as `1.5s`, `1h30m`, `-20ms` (Go's time.ParseDuration syntax). */
export function parseDuration(text: string): CelDuration | CelError {
  const bad = new CelError(`duration '${text}' is not valid (write e.g. 90s, 1m30s, 1.5h)`);
  let s = text;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return new CelDuration(0n);
  if (s === "") return bad;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?(h|ms|m|s|us|µs|ns)/;
  while (s.length > 0) {
    const m = part.exec(s);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) return bad;
    const unit = UNIT_NS[m[3] as string] as bigint;
    const whole = BigInt(m[1] || "0");
    const fracDigits = m[2] ?? "";
    const frac = fracDigits === "" ? 0n : (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
    total += whole * unit + frac;
    if (total > MAX_DUR_NS * 2n) return new CelError("duration out of range");
    s = s.slice(m[0].length);
  }
  return durationOf(neg ? -total : total);
}

/** `1000000s`, `1.5s`, `-0.000000001s`: the CEL text form of a duration. */
export function formatDuration(d: CelDuration): string {
  const neg = d.nanos < 0n;
  const abs = neg ? -d.nanos : d.nanos;
  const s = abs / NS_PER_S;
  const ns = abs % NS_PER_S;
  const frac = ns === 0n ? "" : `.${ns.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${neg ? "-" : ""}${s}${frac}s`;
}

/** RFC 3339 in UTC with as many fractional digits as needed: `2009-02-13T23:31:30Z`. */
export function formatTimestamp(t: CelTimestamp): string {
  const s = floorDiv(t.nanos, NS_PER_S);
  const ns = t.nanos - s * NS_PER_S;
  const iso = new Date(Number(s) * 1000).toISOString();
  const year = iso.startsWith("+") || iso.startsWith("-") ? iso.slice(3) : iso;
  const frac = ns === 0n ? "" : `.${ns.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${year.slice(0, 19)}${frac}Z`;
}

/** Floor division for bigints (rounds toward negative infinity). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Calendar fields of a timestamp in a zone: IANA name (`America/St_Johns`) or fixed offset (`+11:00`). */
export interface CalendarFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  dayOfYear: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  if (formatters.size < 256) formatters.set(zone, f);
  return f;
}

/** Break a timestamp into calendar fields in the given zone (UTC when absent). */
export function calendarFields(t: CelTimestamp, zone?: string): CalendarFields | CelError {
  const s = floorDiv(t.nanos, NS_PER_S);
  let ms = Number(s) * 1000;
  let useUtc = true;
  if (zone !== undefined && zone !== "UTC" && zone !== "Z") {
    const off = /^([+-])(\d{2}):(\d{2})$/.exec(zone);
    if (off) {
      const mins = Number(off[2]) * 60 + Number(off[3]);
      ms += (off[1] === "+" ? 1 : -1) * mins * 60_000;
    } else {
      useUtc = false;
    }
  }
  let year: number;
  let month: number;
  let day: number;
  let hour: number;
  let minute: number;
  let second: number;
  if (useUtc) {
    const d = new Date(ms);
    [year, month, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    [hour, minute, second] = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  } else {
    const f = zoneFormatter(zone as string);
    if (!f)
      return new CelError(`unknown time zone '${zone}' (use an IANA name such as Europe/Berlin, or +01:00)`);
    const parts: Record<string, number> = {};
    for (const p of f.formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
    [year, month, day] = [parts.year as number, parts.month as number, parts.day as number];
    [hour, minute, second] = [parts.hour as number, parts.minute as number, parts.second as number];
  }
  const startOfDay = Date.UTC(2000, month - 1, day) - Date.UTC(2000, 0, 1);
  const leapShift = month > 2 && !isLeap(year) ? -86_400_000 : 0;
  const dayOfYear = Math.round((startOfDay + leapShift) / 86_400_000);
  const weekday = new Date(Date.UTC(2000, 0, 1) + 0).getUTCDay();
  const wd = weekdayOf(year, month, day) ?? weekday;
  return { year, month, day, hour, minute, second, weekday: wd, dayOfYear };
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function weekdayOf(y: number, m: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  return date.getUTCDay();
}
