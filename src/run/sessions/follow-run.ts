// Following runs driven elsewhere: the store says "run X has new events" (PostgreSQL LISTEN/NOTIFY, or the
// file store's polling) and the follower reads the new rows, verified against the chain it already holds.
import type { RunEvent } from "../model/events.js";
import { applyEvent, foldEvents, type RunState } from "../model/state.js";
import type { RunStore } from "../store/run-store.js";

/** Also look every so often, whatever the notices say: a notice missed while reconnecting is caught up. */
const RECHECK_MS = 2_000;

/** How following ended. */
export type FollowEnd =
  | { ended: "stopped"; state: RunState }
  | { ended: "aborted"; state: RunState }
  | { ended: "lost"; state: RunState; problem: string };

/** Why a followed run is not moving right now (it may be resumed by anyone sharing the store). */
export type FollowPause = "halted" | "interrupted" | "crashed";

const final = (s: RunState) =>
  s.status === "completed" || s.status === "rolled-back" || s.status === "failed";
const moving = (s: RunState) => s.status === "running" || s.status === "rolling-back";

/**
 * Follow one run until it ends (completed, rolled back, failed), `signal` aborts, or the store is lost or the
 * journal stops verifying. A halted, interrupted or crashed run is followed on — anyone sharing the store may
 * resume it — and `onPause` says so once each time it stops. `onEvents` gets every event: first the journal
 * so far, then new events in order as they are committed.
 */
export async function followRun(
  store: RunStore,
  runId: string,
  onEvents: (events: readonly RunEvent[], state: RunState) => void,
  signal: AbortSignal,
  onPause: (why: FollowPause, state: RunState) => void = () => {},
): Promise<FollowEnd> {
  const first = await store.read(runId);
  const state = foldEvents(runId, first.events);
  onEvents(first.events, state);
  if (first.problems.length > 0) {
    return { ended: "lost", state, problem: first.problems.map((p) => p.message).join("; ") };
  }
  if (final(state)) return { ended: "stopped", state };
  let paused: FollowPause | undefined;
  const pause = (why: FollowPause | undefined) => {
    if (why && why !== paused) onPause(why, state);
    paused = why;
  };
  if (!moving(state)) pause(state.status as FollowPause);
  let at = { seq: first.events.length, hash: first.lastHash };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  return new Promise<FollowEnd>((resolve) => {
    let done = false;
    let reading: Promise<void> | undefined;
    let again = false;
    const finish = (end: FollowEnd) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      signal.removeEventListener("abort", onAbort);
      stop.abort();
      resolve(end);
    };
    const catchUp = async (checkHolder: boolean): Promise<void> => {
      const next = await store.readSince(runId, at);
      if (next.problems.length > 0) {
        finish({ ended: "lost", state, problem: next.problems.map((p) => p.message).join("; ") });
        return;
      }
      if (next.events.length > 0) {
        for (const e of next.events) applyEvent(state, e);
        at = { seq: at.seq + next.events.length, hash: next.lastHash };
        onEvents(next.events, state);
      }
      if (final(state)) return finish({ ended: "stopped", state });
      if (!moving(state)) return pause(state.status as FollowPause);
      if (next.events.length > 0) pause(undefined);
      if (checkHolder && state.started && state.started.locks.length > 0) {
        const holders = await store.holders(state.started.locks);
        const driven = holders.some((h) => h.holder.runId === runId && h.alive !== false);
        if (!driven) pause("crashed");
      }
    };
    const look = (checkHolder: boolean) => {
      if (done) return;
      if (reading) {
        again = true;
        return;
      }
      reading = catchUp(checkHolder)
        .catch((err: Error) => finish({ ended: "lost", state, problem: err.message }))
        .finally(() => {
          reading = undefined;
          if (again && !done) {
            again = false;
            look(false);
          }
        });
    };
    const timer = setInterval(() => look(true), RECHECK_MS);
    stop.signal.addEventListener("abort", () => finish({ ended: "aborted", state }), { once: true });
    store
      .watch(
        (changed) => {
          if (changed === runId) look(false);
        },
        stop.signal,
        (error) => finish({ ended: "lost", state, problem: error.message }),
      )
      .then(() => look(false))
      .catch((err: Error) => finish({ ended: "lost", state, problem: err.message }));
  });
}

/** Watch every run: `onChange(runId)` for each run with new events, until `signal` aborts or the store is lost. */
export async function watchRuns(
  store: RunStore,
  onChange: (runId: string) => void,
  signal: AbortSignal,
): Promise<{ problem?: string }> {
  return new Promise((resolve) => {
    const end = (problem?: string) => resolve(problem ? { problem } : {});
    signal.addEventListener("abort", () => end(), { once: true });
    store.watch(onChange, signal, (error) => end(error.message)).catch((err: Error) => end(err.message));
  });
}
