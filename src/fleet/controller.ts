// The fleet controller: rate control carried out. It starts targets through an executor as the one rule of
// rate-control.ts allows, records every start before launching (so no target ever starts twice), learns each
// outcome from the target's own run in the store, and picks up a fleet another controller left behind.
import { foldEvents, type RunState } from "../run/model/state.js";
import { runnerOfRun } from "../run/sessions/inspect.js";
import type { RunStore } from "../run/store/run-store.js";
import type { FleetExecutor, Launched } from "./executor.js";
import {
  FleetFencedError,
  type FleetOptions,
  type FleetStatus,
  type FleetStore,
  type TargetMove,
  type TargetRow,
  type TargetState,
} from "./fleet-store.js";
import { GroupBatch } from "./group-batch.js";
import { decide } from "./rate-control.js";

/** What a controller needs to drive one fleet it holds. */
export interface ControllerContext {
  fleets: FleetStore;
  runs: RunStore;
  executor: FleetExecutor;
  fleetId: string;
  token: number;
  leaseMs: number;
  options: FleetOptions;
  /** The runbook as an absolute path (new runs start from it). */
  runbook: string;
  storeUrl: string;
  stateDir: string;
  /** The controller's environment: where a target's `env` indirections are looked up. */
  env: Readonly<Record<string, string | undefined>>;
  say: (line: string) => void;
  signal: AbortSignal;
  /** How often runs the controller did not launch itself are looked at (default 1 s). */
  pollMs?: number;
}

/** How a controller stopped driving its fleet. */
export interface FleetOutcome {
  status: FleetStatus;
  message: string;
  counts: Record<TargetState, number>;
}

/** The target state a run's journal puts it in, and whether that is an error of the fleet. */
export function targetStateOf(
  state: RunState,
  processEnded: boolean,
): { state: TargetState; message: string } {
  switch (state.status) {
    case "completed":
      return { state: "succeeded", message: "completed" };
    case "failed":
      return { state: "failed", message: state.failure?.message ?? "failed" };
    case "rolled-back":
      return { state: "failed", message: "a step failed; the run rolled back" };
    case "halted":
      return state.halt?.reason === "waiting-for-approval"
        ? { state: "waiting-approval", message: state.halt.message }
        : { state: "halted", message: state.halt?.message ?? "halted" };
    case "interrupted":
      return { state: "interrupted", message: `interrupted by ${state.interrupted?.signal ?? "a signal"}` };
    default:
      return processEnded
        ? {
            state: "interrupted",
            message: "its process ended mid-run (crashed); `rbx fleet resume` resumes it",
          }
        : { state: "running", message: "" };
  }
}

/** Drive a held fleet until it completes, halts, is interrupted or another controller takes it. */
export async function driveFleet(ctx: ControllerContext): Promise<FleetOutcome> {
  const { fleets, fleetId, token, options } = ctx;
  const pollMs = ctx.pollMs ?? 1000;
  // Targets that move (or finish) close together share one fenced commit (or one read of their runs).
  const writer = new GroupBatch<TargetMove, boolean>(
    (moves) => fleets.moveTargets(fleetId, token, moves),
    (m) => m.name,
  );
  const journals = new GroupBatch(
    (ids: string[]) => fleets.runJournals(ids),
    (id) => id,
  );
  /** A target's run as the store has it now: its state, or undefined when the store has no such run. */
  const runState = async (runId: string): Promise<RunState | undefined> => {
    const read = await journals.ask(runId);
    return read && foldEvents(runId, read.events);
  };
  const all = await fleets.targets(fleetId);
  const byName = new Map(all.map((t) => [t.name, t]));
  const counts = Object.fromEntries(
    ["pending", "running", "succeeded", "failed", "halted", "waiting-approval", "interrupted"].map((s) => [
      s,
      0,
    ]),
  ) as Record<TargetState, number>;
  for (const t of all) counts[t.state]++;
  const pendingCanary = all.filter((t) => t.state === "pending" && t.canary);
  const pendingRest = all.filter((t) => t.state === "pending" && !t.canary);
  let canaryUnfinished = all.filter(
    (t) => t.canary && (t.state === "pending" || t.state === "running"),
  ).length;
  const watched = new Set<string>();
  let fenced: Error | undefined;
  let wakeUp: (() => void) | undefined;
  let poll: NodeJS.Timeout | undefined;
  const wake = () => {
    const w = wakeUp;
    wakeUp = undefined;
    clearTimeout(poll);
    w?.();
  };
  /** Outcome records under way: each is committed (or has failed) before the fleet's end is. */
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };
  const drain = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  const errors = () => counts.failed + (options.haltsAreErrors ? counts.halted : 0);
  const limits = { maxConcurrency: options.concurrency, maxErrors: options.errorsAllowed };

  const ended = (s: TargetState) => s !== "running" && s !== "pending";
  const setState = (t: TargetRow, next: TargetState) => {
    counts[t.state]--;
    counts[next]++;
    if (t.canary && ended(next) !== ended(t.state)) canaryUnfinished += ended(next) ? -1 : 1;
    t.state = next;
  };

  /** Record a running target's outcome, read from its run in the store. */
  const settle = async (t: TargetRow, processEnded: boolean, launched?: Launched): Promise<boolean> => {
    if (t.state !== "running" || !t.runId) return true;
    let outcome: { state: TargetState; message: string };
    const state = await runState(t.runId);
    if (state) {
      // A process that ended while another still drives the run (its start or resume was refused: a process a
      // killed controller launched had taken the run up) is not the run's end: watch it as a run of another.
      const going = targetStateOf(state, false).state === "running";
      if (processEnded && going && state.started && (await runnerOfRun(ctx.runs, state)) !== "gone") {
        watched.add(t.name);
        return false;
      }
      outcome = targetStateOf(state, processEnded);
    } else if (processEnded) {
      const tail = ctx.executor
        .tail?.(t.handle ?? "", launched?.log)
        .trim()
        .split("\n")
        .slice(-3)
        .join(" | ");
      outcome = { state: "failed", message: `the run did not start${tail ? `: ${tail}` : ""}` };
    } else outcome = { state: "running", message: "" };
    if (outcome.state === "running") return false;
    const runStatus = outcome.state === "failed" && !state ? null : outcome.state;
    // The run's journal says it ended (or that it never began): decisions see that now — a failure counts
    // before any further start — while its record commits, with the next target's start when one follows.
    // Until it commits the store still has the target running, and a controller taking over reads this same
    // outcome from the run's journal (look → settle).
    setState(t, outcome.state);
    // Asked before the loop wakes: the queue is first come, first committed, so this record commits no later
    // than the start of the target the loop puts in its slot.
    const recorded = track(
      writer.ask({
        name: t.name,
        from: ["running"],
        to: outcome.state,
        fields: { runStatus, message: outcome.message, finished: true },
        event: { type: `target.${outcome.state}`, body: { runId: t.runId, message: outcome.message } },
      }),
    );
    wake();
    try {
      await recorded;
    } catch (err) {
      setState(t, "running");
      throw err;
    }
    ctx.say(
      `${t.name}: ${outcome.state}${outcome.state === "succeeded" ? "" : ` — ${outcome.message}`} (run ${t.runId})`,
    );
    return true;
  };

  const follow = (t: TargetRow, launched: Launched) => {
    launched.exited
      .then(() => settle(t, true, launched))
      .catch((err: Error) => {
        if (err instanceof FleetFencedError) fenced = err;
        else ctx.say(`${t.name}: could not record its outcome (${err.message}); looking again`);
        if (!fenced) watched.add(t.name);
      })
      .finally(wake);
  };

  const envFor = (t: TargetRow): Record<string, string> | string => {
    const out: Record<string, string> = {};
    for (const [name, from] of Object.entries(t.spec.env)) {
      const v = ctx.env[from];
      if (v === undefined) return `the controller's environment has no ${from} (target env ${name}: ${from})`;
      out[name] = v;
    }
    return out;
  };

  /** Launch a target's run that is recorded as running: start it, or resume the run it has. */
  const launch = async (t: TargetRow, mode: "start" | "resume") => {
    const env = envFor(t);
    if (typeof env === "string") {
      await writer.ask({
        name: t.name,
        from: ["running"],
        to: "failed",
        fields: { message: env, finished: true },
        event: { type: "target.failed", body: { message: env } },
      });
      setState(t, "failed");
      ctx.say(`${t.name}: failed — ${env}`);
      return;
    }
    let launched: Launched;
    try {
      launched = await ctx.executor.launch({
        fleetId,
        target: t.name,
        runId: t.runId as string,
        mode,
        runbook: ctx.runbook,
        params: t.spec.params,
        env,
        approve: options.approve,
        approveAll: options.approveAll,
        storeUrl: ctx.storeUrl,
        stateDir: ctx.stateDir,
      });
    } catch (err) {
      const message = `the ${ctx.executor.name} executor could not launch it: ${(err as Error).message}`;
      await writer.ask({
        name: t.name,
        from: ["running"],
        to: "failed",
        fields: { message, finished: true },
        event: { type: "target.failed", body: { message } },
      });
      setState(t, "failed");
      ctx.say(`${t.name}: failed — ${message}`);
      return;
    }
    t.handle = launched.handle;
    await writer.ask({
      name: t.name,
      from: ["running"],
      to: "running",
      fields: { handle: launched.handle },
      event: { type: "target.launched", body: { runId: t.runId, mode, handle: launched.handle } },
    });
    follow(t, launched);
  };

  /** Start a pending target: its start is recorded (fenced) before anything launches. */
  const start = async (t: TargetRow) => {
    let mode: "start" | "resume" = "start";
    let runId = t.runId;
    let attempt = t.attempt;
    const state = runId ? await runState(runId) : undefined;
    if (state) {
      const terminal =
        state.status === "completed" || state.status === "failed" || state.status === "rolled-back";
      if (terminal) runId = null;
      else mode = "resume";
    }
    if (!runId) {
      attempt += 1;
      runId = attempt === 1 ? `${fleetId}.${t.name}` : `${fleetId}.${t.name}.${attempt}`;
    }
    const moved = await writer.ask({
      name: t.name,
      from: ["pending"],
      to: "running",
      fields: { runId, attempt, handle: null, runStatus: null, message: null, started: true },
      event: { type: "target.started", body: { runId, attempt, mode } },
    });
    if (!moved) return;
    t.runId = runId;
    t.attempt = attempt;
    setState(t, "running");
    ctx.say(`${t.name}: ${mode === "resume" ? "resuming" : "starting"} run ${runId}`);
    // Launched and its handle recorded before the loop goes on, as a controller taking over needs the handle to
    // tell a process that has not created its run yet from a launch that died.
    await launch(t, mode);
  };

  /** A running target this controller did not launch (a previous controller did): wait, resume or relaunch. */
  const look = async (t: TargetRow) => {
    if (t.state !== "running" || !t.runId) {
      watched.delete(t.name);
      return;
    }
    const state = await runState(t.runId);
    if (state) {
      const o = targetStateOf(state, false);
      if (o.state !== "running") {
        // A halted run whose process still lives is being resumed by it (the journal has not said so yet).
        const resuming = ["halted", "interrupted", "waiting-approval"].includes(o.state) && t.handle;
        if (resuming && (await ctx.executor.alive(t.handle as string)) === true) return;
        watched.delete(t.name);
        await settle(t, true);
        return;
      }
      // Gone only when neither its locks nor the process that was launched for it say it lives: between the
      // journal's creation and its first event no lock row names the run yet, and a launched process that
      // still runs will take it up (a second one would be refused and read as a crash).
      const runner = state.started ? await runnerOfRun(ctx.runs, state) : "gone";
      if (runner !== "gone") return;
      if (t.handle && (await ctx.executor.alive(t.handle)) === true) return;
      watched.delete(t.name);
      ctx.say(`${t.name}: run ${t.runId} lost its process; resuming it`);
      await launch(t, "resume");
      return;
    }
    const alive = t.handle ? await ctx.executor.alive(t.handle) : false;
    if (alive === false) {
      watched.delete(t.name);
      ctx.say(`${t.name}: run ${t.runId} was recorded but never began; starting it`);
      await launch(t, "start");
    }
  };

  for (const t of all) if (t.state === "running") watched.add(t.name);
  const renewal = setInterval(
    () => {
      fleets
        .renew(fleetId, token, ctx.leaseMs)
        .then((held) => {
          if (!held) fenced = new FleetFencedError(`fleet ${fleetId} was taken over by another controller`);
        })
        .catch(() => undefined)
        .finally(wake);
    },
    Math.max(200, Math.floor(ctx.leaseMs / 3)),
  );
  const onAbort = () => wake();
  ctx.signal.addEventListener("abort", onAbort);
  try {
    for (;;) {
      if (fenced) {
        // Writes under way end first (refused): nothing of this controller outlives its return.
        await drain();
        throw fenced;
      }
      if (ctx.signal.aborted) {
        await drain();
        if (fenced) throw fenced;
        const message = `interrupted: ${counts.running} target(s) still running carry on; \`rbx fleet resume ${fleetId}\` picks the fleet up`;
        await fleets.setStatus(fleetId, token, "interrupted", message, true);
        return { status: "interrupted", message, counts: { ...counts } };
      }
      for (const name of [...watched]) {
        const t = byName.get(name);
        if (t) await look(t);
      }
      const d = decide(
        {
          running: counts.running,
          errors: errors(),
          canaryUnfinished,
          canaryPending: pendingCanary.length,
          restPending: pendingRest.length,
        },
        limits,
      );
      if (d.kind === "start") {
        // The slots' starts go out together (one commit): each is recorded (fenced) before its launch.
        await Promise.all(
          [...pendingCanary.splice(0, d.canary), ...pendingRest.splice(0, d.rest)].map(start),
        );
        continue;
      }
      if (d.kind === "wait") {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          poll = setTimeout(wake, watched.size > 0 ? pollMs : pollMs * 5);
        });
        continue;
      }
      // The fleet's end is recorded only after every outcome is (one that failed is looked at again).
      if (pending.size > 0) {
        await drain();
        continue;
      }
      const outcome = finish(fleetId, d.kind, counts, errors(), limits.maxErrors, options);
      await fleets.setStatus(fleetId, token, outcome.status, outcome.message, true);
      return outcome;
    }
  } finally {
    clearInterval(renewal);
    clearTimeout(poll);
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

/** How a fleet ends once nothing more starts, and what people are told. */
function finish(
  fleetId: string,
  kind: "halt" | "done",
  counts: Record<TargetState, number>,
  errors: number,
  maxErrors: number,
  options: FleetOptions,
): FleetOutcome {
  const c = { ...counts };
  if (kind === "halt") {
    return {
      status: "halted",
      message:
        `${errors} target(s) failed, more than --max-errors ${options.maxErrors} (${maxErrors}): no new target started, ` +
        `${c.pending} left untouched. \`rbx fleet status ${fleetId}\` lists them; after the fix, \`rbx fleet resume ${fleetId}\` ` +
        "resumes the halted runs (add --retry-failed to run failed targets again)",
      counts: c,
    };
  }
  const waiting = c["waiting-approval"] + c.interrupted + (options.haltsAreErrors ? 0 : c.halted);
  if (waiting > 0) {
    const parts = [
      c["waiting-approval"]
        ? `${c["waiting-approval"]} wait for approval (\`rbx fleet approve ${fleetId} STEP\`)`
        : "",
      c.interrupted ? `${c.interrupted} were interrupted` : "",
      !options.haltsAreErrors && c.halted ? `${c.halted} halted` : "",
    ].filter((p) => p !== "");
    return {
      status: "halted",
      message: `${parts.join(", ")}; then \`rbx fleet resume ${fleetId}\``,
      counts: c,
    };
  }
  if (errors > 0) {
    return {
      status: "completed-with-errors",
      message: `${c.succeeded} succeeded, ${errors} failed (within --max-errors ${options.maxErrors})`,
      counts: c,
    };
  }
  return { status: "completed", message: `all ${c.succeeded} target(s) succeeded`, counts: c };
}
