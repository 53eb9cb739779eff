// The loader's side of templated durations and param defaults: the AST it keeps and the order of defaults.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import { loadRunbook } from "../../src/parser/load.js";
import { defaultOrder, defaultReads, templateDefault } from "../../src/parser/param-defaults.js";
import { fixtureCatalog } from "../fixtures/catalog.js";

const fixture = (rel: string) => readFileSync(join(import.meta.dirname, "..", "fixtures", rel), "utf8");

describe("durations given as a whole ${{ }} template", () => {
  const text = fixture("ok/templated-durations.rb.yaml");
  const loaded = loadRunbook("t.rb.yaml", text, { catalog: fixtureCatalog });
  const step = loaded.runbook?.phases[0]?.steps[0];

  it("keep the template's source (ms is resolved at run time), with file positions", () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(step?.timeout).toMatchObject({ text: "${{ params.migrationWait }}", ms: 0 });
    expect(step?.timeout?.template?.text).toBe("${{ params.migrationWait }}");
    const file = new SourceFile("t.rb.yaml", text);
    const first = file.position(step?.timeout?.template?.offsets[0] as number);
    expect(`${first.line}:${first.column}`).toBe("15:19");
    expect(step?.retry?.every?.template?.text).toBe("${{ params.pollEvery }}");
    expect(step?.retry?.maxEvery?.template?.text).toBe('${{ duration("1m") }}');
    // A folded scalar: the decoded text, without the line break.
    expect(step?.retry?.timeout?.template?.text).toBe("${{ params.migrationWait }}");
  });

  it("leave literals as they were", () => {
    const lit = loadRunbook(
      "l.rb.yaml",
      text.replace('timeout: "${{ params.migrationWait }}"', "timeout: 1m30s"),
      { catalog: fixtureCatalog },
    );
    const t = lit.runbook?.phases[0]?.steps[0]?.timeout;
    expect(t).toMatchObject({ text: "1m30s", ms: 90_000 });
    expect(t?.template).toBeUndefined();
  });
});

describe("template param defaults", () => {
  const params = (decls: string) => {
    const loaded = loadRunbook(
      "p.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: p, version: 1.0.0 }
params:
${decls}phases:
  - id: main
    steps:
      - id: ping
        action: http.check
        with: { url: "http://127.0.0.1/healthz" }
`,
      { catalog: fixtureCatalog },
    );
    return { loaded, params: loaded.runbook?.params ?? [] };
  };

  it("are ordered after the template defaults they read; literal ones are not template defaults", () => {
    const { loaded, params: ps } =
      params(`  c: { type: string, default: "\${{ params.b }}-\${{ params['a'] }}" }
  b: { type: string, default: "\${{ params.a.upperAscii() }}" }
  a: { type: string, default: "x\${{ [1].map(params, params + 1).size() }}" }
  z: { type: string, default: plain }
`);
    expect(loaded.diagnostics).toEqual([]);
    expect(defaultOrder(ps).order.map((p) => p.name.value)).toEqual(["a", "b", "c"]);
    expect(ps.map((p) => templateDefault(p) !== undefined)).toEqual([true, true, true, false]);
    const c = templateDefault(ps[0] as (typeof ps)[number]);
    expect(defaultReads(c as NonNullable<typeof c>).map((r) => r.name)).toEqual(["b", "a"]);
    // A comprehension variable named `params` is not a read of the params.
    const a = templateDefault(ps[2] as (typeof ps)[number]);
    expect(defaultReads(a as NonNullable<typeof a>)).toEqual([]);
  });

  it("in a circle are refused by the loader, and the params that read them are left out of the order", () => {
    const { loaded, params: ps } = params(`  a: { type: string, default: "\${{ params.b }}" }
  b: { type: string, default: "\${{ params.a }}" }
  c: { type: string, default: "\${{ params.a }}" }
  d: { type: string, default: "\${{ params.e }}" }
  e: { type: string, default: free }
`);
    expect(loaded.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual([
      "5:43 param-default-cycle",
    ]);
    expect(loaded.diagnostics[0]?.related?.[0]?.message).toBe('param "b" reads "a" here');
    const { order, cycles } = defaultOrder(ps);
    expect(order.map((p) => p.name.value)).toEqual(["d"]);
    expect(cycles.map((c) => c.map((m) => m.param.name.value))).toEqual([["a", "b"]]);
  });
});
