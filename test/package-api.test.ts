// The package entry point (`import … from "rbx-runbooks"`, resolved through package.json "exports" to the build).
import { describe, expect, it } from "vitest";

// The published entry (dist/, via "exports"), typed by the sources it is built from.
const entry = "rbx-runbooks";
const load = (): Promise<typeof import("../src/index.js")> => import(entry);

describe("the rbx package API", () => {
  it("compiles and evaluates an expression with the documented value mapping", async () => {
    const rbx = await load();
    const env = rbx.typeEnv({ params: rbx.T.object("params", { replicas: rbx.T.int }) });
    const c = rbx.compile("params.replicas >= 2 ? 'ha' : 'single'", env);
    if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("; "));
    expect(rbx.typeName(c.type)).toBe("string");
    expect(c.program.evaluate({ params: rbx.toCel({ replicas: 3 }, env.variables.params) })).toBe("ha");
    const bad = rbx.compile("params.replica > 1", env);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0]?.code).toBe("unknown-field");
    const err = rbx.compile("1 / 0", env);
    expect(err.ok && rbx.isError(err.program.evaluate({}))).toBe(true);
  });

  it("loads and checks a runbook, and lists the built-in actions", async () => {
    const rbx = await load();
    const text = [
      "apiVersion: rbx/v1",
      "kind: Runbook",
      "metadata: { name: t, version: 1.0.0 }",
      "phases:",
      "  - id: p",
      "    steps:",
      "      - id: s",
      "        action: http.check",
      "        with: { url: 'http://127.0.0.1:1/x' }",
      "        expect: [{ that: 'output.status == \"200\"' }]",
    ].join("\n");
    const loaded = rbx.loadRunbook("t.rb.yaml", text);
    expect(loaded.diagnostics).toEqual([]);
    if (!loaded.runbook) throw new Error("no runbook");
    const problems = rbx.checkRunbook(loaded.runbook, loaded.source);
    expect(problems.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual([
      "10:27 type-mismatch",
    ]);
    expect(rbx.actionNames()).toContain("helm.upgrade");
  });
});
