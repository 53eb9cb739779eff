// What verifies: one predicate for every rule that asks whether a step checks the state it reads.
import type { Step } from "../parser/ast.js";
import { withEntry, withValue } from "./context.js";
import type { StepEffects } from "./effects.js";
import { literalTrue } from "./values.js";

/**
 * A step that fails when the state it reads is wrong, not only when it cannot read it:
 * - a `check:` suite, a step-level `expect:`, or a read-only poll with `retry.until`;
 * - an `http.check` with `with.expect` (an explicit status list);
 * - `kubectl.rolloutStatus` (fails on ProgressDeadlineExceeded, unready pods, its timeout);
 * - `kubectl.waitJob` without `allowFailure: true`;
 * - `snapshot.verify` (fails on a checksum mismatch or an unreadable dump);
 * - `kubectl.patch` with `waitFor` (a write that waits for its own effect).
 */
export function verifies(step: Step, effects: StepEffects): boolean {
  if (step.check !== undefined || step.expect.length > 0) return true;
  if (step.retry?.until !== undefined && !effects.mayWrite(step)) return true;
  switch (step.action?.value) {
    case "http.check":
      return withEntry(step, "expect") !== undefined;
    case "kubectl.rolloutStatus":
    case "snapshot.verify":
      return true;
    case "kubectl.waitJob":
      return !literalTrue(withValue(step, "allowFailure"));
    case "kubectl.patch":
      return withEntry(step, "waitFor") !== undefined;
    default:
      return false;
  }
}

/**
 * A step that changes state lint can see: a write of the catalog other than `exec` (whose effect only its
 * program knows: `crane digest` and `cosign verify` read, `kong migrations up` writes), or an unknown action.
 */
export function changesState(step: Step, effects: StepEffects): boolean {
  return effects.mayWrite(step) && step.action?.value !== "exec";
}
