// What undoes what: the rollback steps that return a release, an object or a database to where it was.
import type { Runbook, Step } from "../parser/ast.js";
import { withValue } from "./context.js";
import { runsAction } from "./effects.js";
import {
  helmRelease,
  literalString,
  maySame,
  pgConnection,
  sameConnection,
  sameObject,
  valueAtPath,
} from "./values.js";

/** The writes whose undo lint can recognise, by the kind of thing they change. */
export type UndoableWrite = "release" | "object" | "database";

/** The kind of change a write step makes, when lint knows how it is undone; undefined otherwise (`exec`). */
export function undoableWrite(step: Step): UndoableWrite | undefined {
  switch (step.action?.value) {
    case "helm.upgrade":
      return "release";
    case "kubectl.patch":
      return "object";
    case "sql.exec":
    case "sql.repairTracking":
      return "database";
    default:
      return undefined;
  }
}

/** The literal words of an `exec` step's program and arguments (templates are left out). */
function execWords(step: Step): string[] {
  const words: string[] = [];
  const program = literalString(withValue(step, "program"));
  if (program) words.push(program.split("/").pop() ?? program);
  const args = withValue(step, "args");
  if (args?.kind === "list")
    for (const a of args.items) if (a.kind === "string" && !a.template) words.push(a.value);
  return words;
}

/** `helm rollback` / `helm uninstall` run through `exec`. */
function execHelmUndo(step: Step): boolean {
  if (!runsAction(step, "exec")) return false;
  const w = execWords(step);
  return w[0] === "helm" && w.some((x) => x === "rollback" || x === "uninstall" || x === "delete");
}

/** True when rollback step `undo` returns what `write` changed. */
export function undoes(undo: Step, write: Step, runbook: Runbook): boolean {
  switch (undoableWrite(write)) {
    case "release":
      return (
        (runsAction(undo, "helm.rollback") && maySame(helmRelease(undo), helmRelease(write))) ||
        execHelmUndo(undo)
      );
    case "object":
      return runsAction(undo, "kubectl.patch") && sameObject(undo, write);
    case "database":
      return (
        (runsAction(undo, "snapshot.restore") || runsAction(undo, "sql.exec")) &&
        sameConnection(undo, write, runbook)
      );
    default:
      return false;
  }
}

/**
 * A rollback step that returns the application (its running code) to the previous version: helm.rollback, a
 * kubectl.patch of a workload or custom resource (not a scale to zero), `helm rollback` or `docker compose up`
 * through exec.
 */
export function rollsAppBack(step: Step): boolean {
  if (runsAction(step, "helm.rollback")) return true;
  if (runsAction(step, "kubectl.patch")) return !scalesToZero(step);
  if (!runsAction(step, "exec")) return false;
  const w = execWords(step);
  return execHelmUndo(step) || (w.includes("compose") && w.includes("up"));
}

/** A step that stops the application: a patch of `spec.replicas: 0`, or `kubectl scale --replicas=0` / `compose stop|down`. */
export function scalesToZero(step: Step): boolean {
  if (runsAction(step, "kubectl.patch")) {
    const r = valueAtPath(withValue(step, "patch"), ["spec", "replicas"]);
    return r?.kind === "number" && r.value === 0;
  }
  if (!runsAction(step, "exec")) return false;
  const w = execWords(step);
  return (
    (w.includes("scale") && w.some((x) => x === "--replicas=0")) ||
    (w.includes("compose") && (w.includes("stop") || w.includes("down")))
  );
}

/** The postgres connection a restore returns, for messages. */
export function restoredConnection(step: Step, runbook: Runbook): string {
  return pgConnection(step, runbook) ?? "the database";
}
