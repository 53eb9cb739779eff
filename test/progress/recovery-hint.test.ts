// The recovery hint folds a run's events as they come: the same choices at a halt, none of the events kept.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { paint } from "../../src/progress/ansi.js";
import { RecoveryHint } from "../../src/progress/recovery-hint.js";
import type { RunEvent } from "../../src/run/model/events.js";
import { recoveryChoices } from "../../src/run/model/recovery-choices.js";
import { foldEvents } from "../../src/run/model/state.js";
import { haltedRun, tempStateDir, writeJournal } from "../report/journals.js";

const dir = tempStateDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A full garbage collection, bounded: V8's gc exposed to this process only (the test's own, not rbx's). */
function collect(): void {
  process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
  const gc = process.getBuiltinModule("node:vm").runInNewContext("gc") as () => void;
  gc();
}

describe("RecoveryHint", () => {
  it("says at a halt the choices a fold of the whole journal gives", () => {
    const events = writeJournal(dir, "hint-halted", haltedRun("hint-halted"));
    const hint = new RecoveryHint(paint(false), dir);
    const lines = events.flatMap((e) => hint.add(e));
    const choices = recoveryChoices(foldEvents("hint-halted", events), { runner: "gone", stateDir: dir });
    expect(choices.length).toBeGreaterThan(0);
    expect(lines).toEqual(choices.flatMap((c) => [`  ${c.verb}: ${c.explains}`, `      ${c.command}`]));
  });

  it("explains a halt after priming from a resumed run's journal, and nothing without its run.started", () => {
    const events = writeJournal(dir, "hint-primed", haltedRun("hint-primed"));
    const halt = events.at(-1) as RunEvent;
    const primed = new RecoveryHint(paint(false), dir);
    primed.prime(events.slice(0, -1));
    expect(primed.add(halt).length).toBeGreaterThan(0);
    const headless = new RecoveryHint(paint(false), dir);
    headless.prime(events.slice(1, -1));
    expect(headless.add(halt)).toEqual([]);
  });

  it("keeps only the events its folded state records: a long run's events can be collected while the view lives", async () => {
    const hint = new RecoveryHint(paint(false), dir);
    const refs: WeakRef<object>[] = [];
    const feed = () => {
      for (const e of writeJournal(dir, "hint-weak", haltedRun("hint-weak"))) {
        refs.push(new WeakRef(e));
        hint.add(e);
      }
    };
    feed();
    // A WeakRef's target lives until the end of the job that made it: collect after it.
    await new Promise((r) => setImmediate(r));
    collect();
    // What the folded state itself records stays: the run's start and its last event; none in between.
    const kept = refs.flatMap((r) => {
      const e = r.deref() as RunEvent | undefined;
      return e ? [e.type] : [];
    });
    expect(refs.length).toBeGreaterThan(10);
    expect(kept).toEqual(["run.started", "run.halted"]);
    expect(hint).toBeDefined();
  });
});
