// Rate control, as AWS SSM Automation defines it: how many targets may run at once and how many may fail
// before no new target starts. Pure: counts in, decisions out; the controller carries them out.

/** `N` or `N%` of the fleet, as given on the command line. */
export interface RateValue {
  text: string;
  count?: number;
  percent?: number;
}

/** Parse `--max-concurrency` / `--max-errors`: a whole number, or a percentage of the targets (0-100). */
export function parseRate(flag: string, text: string): RateValue | { error: string } {
  const m = /^(\d+)(%?)$/.exec(text.trim());
  if (!m) return { error: `${flag} takes a number or a percentage of the targets (4, 10%); got "${text}"` };
  const n = Number(m[1]);
  if (m[2] === "%") {
    if (n > 100) return { error: `${flag} ${text}: a percentage is at most 100%` };
    return { text, percent: n };
  }
  return { text, count: n };
}

/**
 * How many targets may run at once: a count as given (at least 1), a percentage of the targets rounded up
 * (10% of 25 is 3) and never below 1, so a fleet always moves.
 */
export function concurrencyFor(v: RateValue, targets: number): number {
  if (v.percent !== undefined) return Math.max(1, Math.ceil((v.percent * targets) / 100));
  return Math.max(1, v.count ?? 1);
}

/**
 * How many failed targets the fleet tolerates: a count as given, a percentage of the targets rounded down
 * (10% of 50 is 5: the sixth failure stops the fleet, as in SSM). 0: the first failure stops it.
 */
export function errorsAllowedFor(v: RateValue, targets: number): number {
  if (v.percent !== undefined) return Math.floor((v.percent * targets) / 100);
  return v.count ?? 0;
}

/** The counts a decision is made from. */
export interface FleetCounts {
  /** Targets running now (started, outcome not yet known). */
  running: number;
  /** Targets that count as failed (a halt counts unless halts are not errors). */
  errors: number;
  /** Targets of the canary wave not yet finished (0 once the canary wave is done or there is none). */
  canaryUnfinished: number;
  /** Targets waiting to start that belong to the canary wave. */
  canaryPending: number;
  /** Targets waiting to start outside the canary wave. */
  restPending: number;
}

/** The limits of a fleet, resolved to counts for its size. */
export interface FleetLimits {
  maxConcurrency: number;
  maxErrors: number;
}

/** What the controller does next. */
export type RateDecision =
  | { kind: "start"; canary: number; rest: number }
  | { kind: "wait" }
  | { kind: "halt"; reason: "max-errors" }
  | { kind: "done" };

/**
 * The one rule of rate control. Once more than maxErrors targets have failed, nothing new starts; running
 * targets finish, then the fleet halts. Otherwise free slots (maxConcurrency − running) start canary
 * targets first; the rest start only once every canary target has finished without exceeding maxErrors.
 */
export function decide(c: FleetCounts, limits: FleetLimits): RateDecision {
  const over = c.errors > limits.maxErrors;
  if (over) return c.running > 0 ? { kind: "wait" } : { kind: "halt", reason: "max-errors" };
  const pending = c.canaryPending + c.restPending;
  if (pending === 0) return c.running > 0 ? { kind: "wait" } : { kind: "done" };
  const free = limits.maxConcurrency - c.running;
  if (free <= 0) return { kind: "wait" };
  const canary = Math.min(free, c.canaryPending);
  const rest = c.canaryUnfinished > 0 ? 0 : Math.min(free - canary, c.restPending);
  if (canary + rest === 0) return { kind: "wait" };
  return { kind: "start", canary, rest };
}
