// Checks across the document the schema cannot express: unique ids, check suites and actions that exist.
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { Name, Runbook, Step } from "./ast.js";
import type { ActionShape } from "./catalog.js";
import { stepEffect } from "./step-effect.js";

interface PlacedStep {
  step: Step;
  where: "phase" | "rollback" | "check" | "verify";
}

/** Every step of the runbook with where it sits (verify steps included). */
function allSteps(rb: Runbook): PlacedStep[] {
  const out: PlacedStep[] = [];
  const add = (steps: readonly Step[], where: PlacedStep["where"]): void => {
    for (const step of steps) {
      out.push({ step, where });
      if (step.verify) out.push({ step: step.verify, where: "verify" });
    }
  };
  for (const suite of rb.checks) add(suite.steps, "check");
  for (const phase of rb.phases) {
    add(phase.steps, "phase");
    if (phase.rollback) add(phase.rollback, "rollback");
  }
  return out;
}

function duplicates(names: readonly Name[], code: string, what: string, fix: string): Diagnostic[] {
  const first = new Map<string, Name>();
  const out: Diagnostic[] = [];
  for (const n of names) {
    const prev = first.get(n.value);
    if (!prev) first.set(n.value, n);
    else
      out.push(
        diagnostic(code, "error", `Duplicate ${what} "${n.value}": ${fix}`, n.span, [
          { span: prev.span, message: `"${n.value}" is first used here` },
        ]),
      );
  }
  return out;
}

function stepProblems(
  placed: PlacedStep,
  suites: readonly string[],
  catalog: ReadonlyMap<string, ActionShape>,
): Diagnostic[] {
  const { step, where } = placed;
  const out: Diagnostic[] = [];
  const kinds = [step.action, step.check, step.run].filter((n) => n !== undefined);
  if (step.run && kinds.length > 1) {
    out.push(
      diagnostic(
        "action-or-check",
        "error",
        "A step runs an action, a check suite or a runbook, one of them; split it into several steps",
        step.run.span,
      ),
    );
  } else if (step.action && step.check) {
    out.push(
      diagnostic(
        "action-or-check",
        "error",
        "A step runs either an action or a check suite, not both; split it into two steps",
        step.check.span,
      ),
    );
  } else if (kinds.length === 0) {
    out.push(
      diagnostic(
        "action-or-check",
        "error",
        "This step does nothing: give it `action: <built-in>` (with `with:`), `check: <suite>` or `run: <runbook>`",
        step.id?.span ?? step.span,
      ),
    );
  }
  if (step.run) out.push(...runStepProblems(step, step.run, where));
  if (step.check && !suites.includes(step.check.value)) {
    const hint = didYouMean(step.check.value, suites);
    const fix =
      hint !== ""
        ? hint
        : suites.length > 0
          ? ` Known suites: ${suites.join(", ")}.`
          : " Define it under `checks:`.";
    out.push(
      diagnostic(
        "unknown-check",
        "error",
        `No check suite is named "${step.check.value}".${fix}`,
        step.check.span,
      ),
    );
  }
  if (step.action) {
    const def = catalog.get(step.action.value);
    if (!def) {
      const hint = didYouMean(step.action.value, catalog.keys());
      const fix = hint !== "" ? hint : " Run `rbx schema` to see the built-in actions.";
      out.push(
        diagnostic(
          "unknown-action",
          "error",
          `Unknown action "${step.action.value}".${fix}`,
          step.action.span,
        ),
      );
    } else if (step.effect && !def.effectOverridable) {
      out.push(
        diagnostic(
          "effect-not-overridable",
          "error",
          `"${def.name}" is a ${def.effect} whatever the step says; \`effect: read\` is for exec, whose program only its author knows — remove it`,
          step.effect.span,
        ),
      );
    } else if (stepEffect(step, def) === "write" && (where === "check" || where === "verify")) {
      const place = where === "check" ? "Check suites are read-only" : "A verify step must be read-only";
      out.push(
        diagnostic(
          "write-in-read-only",
          "error",
          `${place}, but "${def.name}" changes things; move it to a phase's steps${def.effectOverridable ? ", or declare `effect: read` if this program changes nothing" : ""}`,
          step.action.span,
        ),
      );
    }
  }
  return out;
}

/** A `run:` step runs its child from a phase's steps, once, and is undone by unwinding it: nothing else fits. */
function runStepProblems(step: Step, run: Name, where: PlacedStep["where"]): Diagnostic[] {
  if (where !== "phase") {
    const place = { check: "a check suite", verify: "a verify step", rollback: "a rollback", phase: "" }[
      where
    ];
    return [
      diagnostic(
        "run-placement",
        "error",
        `A runbook cannot be run from ${place}: a child run changes things and is undone by unwinding it; run it from a phase's steps`,
        run.span,
      ),
    ];
  }
  const options = (["retry", "timeout", "verify"] as const).filter((k) => step[k] !== undefined);
  return options.map((k) =>
    diagnostic(
      "run-placement",
      "error",
      `\`${k}:\` does not apply to a \`run:\` step: the child runbook's own steps carry their retries, timeouts and verifications; remove it`,
      (step[k] as { span: Name["span"] }).span,
    ),
  );
}

/** A phase that runs a child runbook must be a rollback boundary: its rollback is where the child is unwound. */
function runNeedsBoundary(rb: Runbook): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const phase of rb.phases) {
    if (phase.rollback) continue;
    for (const step of phase.steps)
      if (step.run)
        out.push(
          diagnostic(
            "run-needs-boundary",
            "error",
            `Phase ${phase.id.value} runs ${step.run.value} but is not a rollback boundary: add \`rollback:\` to it (a check that the product is back, at least); rolling the phase back unwinds the child run first`,
            step.run.span,
          ),
        );
  }
  return out;
}

/** Suites that run each other in a circle would never finish: report the `check:` that closes each cycle. */
function checkCycles(rb: Runbook): Diagnostic[] {
  const calls = new Map(
    rb.checks.map((c) => [c.name.value, c.steps.flatMap((s) => (s.check ? [s.check] : []))]),
  );
  const out: Diagnostic[] = [];
  const done = new Set<string>();
  const visit = (suite: string, path: string[]): void => {
    if (done.has(suite)) return;
    for (const ref of calls.get(suite) ?? []) {
      const at = path.indexOf(ref.value);
      if (at >= 0 || ref.value === suite) {
        const cycle = ref.value === suite ? [suite, suite] : [...path.slice(at), suite, ref.value];
        out.push(
          diagnostic(
            "check-cycle",
            "error",
            `Check suites run each other in a circle (${cycle.join(" → ")}); remove one of these \`check:\` steps`,
            ref.span,
          ),
        );
      } else if (calls.has(ref.value)) visit(ref.value, [...path, suite]);
    }
    done.add(suite);
  };
  for (const suite of calls.keys()) visit(suite, []);
  return out;
}

/** Reference and uniqueness problems of a built runbook. */
export function referenceProblems(rb: Runbook, catalog: readonly ActionShape[]): Diagnostic[] {
  const placed = allSteps(rb);
  const ids = placed.flatMap((p) => (p.step.id ? [p.step.id] : []));
  const suites = rb.checks.map((c) => c.name.value);
  const byName = new Map(catalog.map((a) => [a.name, a]));
  return [
    ...duplicates(
      ids,
      "duplicate-step-id",
      "step id",
      "rename one of the steps; step ids must be unique across the runbook",
    ),
    ...duplicates(
      rb.phases.map((p) => p.id),
      "duplicate-phase-id",
      "phase id",
      "rename one of the phases; the journal records runs by phase id",
    ),
    ...placed.flatMap((p) => stepProblems(p, suites, byName)),
    ...checkCycles(rb),
    ...runNeedsBoundary(rb),
  ];
}
