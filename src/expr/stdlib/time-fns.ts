// Timestamp accessors in a time zone (0-based month and day-of-month, as CEL defines them) and duration parts.

import { type CelDuration, CelError, type CelTimestamp } from "../../contract/cel-values.js";
import { type CalendarFields, calendarFields } from "../time.js";
import type { ImplTable } from "./impl.js";

const NS = 1_000_000_000n;

const fields: Record<string, (f: CalendarFields) => number> = {
  getFullYear: (f) => f.year,
  getMonth: (f) => f.month - 1,
  getDate: (f) => f.day,
  getDayOfMonth: (f) => f.day - 1,
  getDayOfWeek: (f) => f.weekday,
  getDayOfYear: (f) => f.dayOfYear,
  getHours: (f) => f.hour,
  getMinutes: (f) => f.minute,
  getSeconds: (f) => f.second,
};

export const timeFns: ImplTable = {
  timestamp_getMilliseconds: (t: CelTimestamp) => (((t.nanos % NS) + NS) % NS) / 1_000_000n,
  timestamp_getMilliseconds_tz: (t: CelTimestamp) => (((t.nanos % NS) + NS) % NS) / 1_000_000n,
  duration_getHours: (d: CelDuration) => d.nanos / (3600n * NS),
  duration_getMinutes: (d: CelDuration) => d.nanos / (60n * NS),
  duration_getSeconds: (d: CelDuration) => d.nanos / NS,
  duration_getMilliseconds: (d: CelDuration) => (d.nanos % NS) / 1_000_000n,
};
for (const [name, get] of Object.entries(fields)) {
  const impl = (t: CelTimestamp, zone?: string) => {
    const f = calendarFields(t, zone);
    return f instanceof CelError ? f : BigInt(get(f));
  };
  timeFns[`timestamp_${name}`] = impl;
  timeFns[`timestamp_${name}_tz`] = impl;
}
