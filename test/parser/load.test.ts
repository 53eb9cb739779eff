// The loader end to end: the AST it builds, where expression characters land, and what it refuses.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { checkRunbook } from "../../src/check/check-runbook.js";
import { MAX_SOURCE_BYTES } from "../../src/diagnostics/read-source.js";
import { SourceFile } from "../../src/diagnostics/source-file.js";
import type { SourceText } from "../../src/parser/ast.js";
import { loadRunbook, loadRunbookFile } from "../../src/parser/load.js";
import { fixtureCatalog } from "../fixtures/catalog.js";

const okFile = join(import.meta.dirname, "..", "fixtures", "ok", "kryton-upgrade.rb.yaml");
const okText = readFileSync(okFile, "utf8");
const tmp = mkdtempSync(join(tmpdir(), "rbx-load-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const load = (text: string) => loadRunbook("rb.yaml", text, { catalog: fixtureCatalog });

/** line:col in `text` of the i-th decoded character of an expression. */
function at(text: string, s: SourceText, i: number): string {
  const p = new SourceFile("rb.yaml", text).position(s.offsets[i] as number);
  return `${p.line}:${p.column}`;
}

describe("loadRunbook", () => {
  const { runbook, diagnostics } = load(okText);

  it("builds the whole AST of a valid runbook", () => {
    expect(diagnostics).toEqual([]);
    if (!runbook) throw new Error("no runbook");
    expect(runbook.apiVersion.value).toBe("rbx/v1");
    expect(runbook.metadata.name.value).toBe("kryton-upgrade");
    expect(runbook.metadata.version.value).toBe("3.2.0");
    expect(runbook.metadata.owners.map((o) => o.value)).toEqual(["platform-team"]);
    expect(runbook.params.map((p) => [p.name.value, p.type, p.required])).toEqual([
      ["targetVersion", "semver", true],
      ["namespace", "string", false],
      ["kubeContext", "string", false],
      ["baseUrl", "url", false],
      ["databaseUrl", "secret", false],
      ["readyTimeout", "duration", false],
      ["replicas", "int", false],
      ["dryRun", "bool", false],
      ["tier", "enum", false],
    ]);
    expect(runbook.params[4]?.from?.env).toBe("KRYTON_DATABASE_URL");
    expect(runbook.params[6]?.default).toMatchObject({ kind: "number", value: 2, integer: true });
    expect(runbook.params[8]?.values?.map((v) => v.value)).toEqual(["community", "enterprise"]);
    expect(runbook.env.map((e) => [e.name.value, e.secret])).toEqual([["KRYTON_DATABASE_URL", true]]);
    expect(runbook.connections.map((c) => [c.name.value, c.kind, c.fields.map((f) => f.key.value)])).toEqual([
      ["cluster", "kubernetes", ["context", "namespace"]],
      ["db", "postgres", ["url"]],
      ["api", "http", ["baseUrl", "insecure"]],
    ]);
    expect(runbook.checks.map((c) => [c.name.value, c.steps.length])).toEqual([
      ["healthy", 2],
      ["healthy-on-previous", 1],
    ]);
    expect(runbook.phases.map((p) => p.id.value)).toEqual(["precheck", "backup", "upgrade"]);
    const upgrade = runbook.phases[2];
    expect(upgrade?.onFailure?.value).toBe("rollback");
    expect(upgrade?.rollback?.map((s) => s.action?.value ?? `check:${s.check?.value}`)).toEqual([
      "helm.rollback",
      "snapshot.restore",
      "check:healthy-on-previous",
    ]);
    const step = upgrade?.steps[0];
    expect(step?.verify?.action?.value).toBe("helm.history");
    expect(step?.guards[0]?.that.text).toBe("!params.dryRun");
    expect(upgrade?.steps[1]?.onFailure?.value).toBe("halt");
    expect(runbook.onFailure.value).toBe("rollback");
    const retry = runbook.checks[1]?.steps[0]?.retry;
    expect(retry).toMatchObject({
      attempts: 10,
      backoff: 1.5,
      every: { text: "2s", ms: 2000 },
      maxEvery: { ms: 30000 },
    });
    expect(runbook.phases[1]?.steps[0]?.timeout?.ms).toBe(600_000);
  });

  it("keeps `with:` values typed, and marks templates", () => {
    const w = runbook?.phases[2]?.steps[0]?.with;
    const entry = (k: string) => w?.entries.find((e) => e.key.value === k)?.value;
    expect(entry("wait")).toMatchObject({ kind: "bool", value: true });
    expect(entry("version")).toMatchObject({
      kind: "string",
      template: true,
      value: "${{ params.targetVersion }}",
    });
    expect(entry("release")).toMatchObject({ kind: "string", template: false });
    expect(entry("set")).toMatchObject({ kind: "map" });
  });

  it("maps expression and template characters to their file positions", () => {
    if (!runbook) throw new Error("no runbook");
    const when = runbook.phases[2]?.rollback?.[1]?.when as SourceText;
    expect(when.text).toBe("steps.migrations.output.applied.size() > 0");
    expect(at(okText, when, 0)).toBe("82:15");
    expect(at(okText, when, when.text.indexOf("size"))).toBe("82:47");
    // A folded block (>-) spanning two lines: "any" starts the second line.
    const prompt = runbook.phases[0]?.steps[2]?.with?.entries[0]?.value;
    if (prompt?.kind !== "string") throw new Error("prompt is not a string");
    expect(prompt.value).toBe("Read the CHANGELOG for ${{ params.targetVersion }}; any 'breaking' entries?");
    expect(at(okText, prompt.source, prompt.value.indexOf("params"))).toBe("66:40");
    expect(at(okText, prompt.source, prompt.value.indexOf("any"))).toBe("67:13");
    const message = runbook.checks[0]?.steps[1]?.expect[0]?.message;
    expect(message && at(okText, message.source, message.value.indexOf("output"))).toBe("45:46");
  });

  it("defaults onFailure to rollback when the runbook does not say", () => {
    const text = okText.replace(/\nonFailure: rollback\n$/, "\n");
    const r = load(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.runbook?.onFailure).toEqual({ value: "rollback", span: undefined });
  });

  it("returns no AST when the shape is wrong, but still reference problems when it is right", () => {
    expect(load("apiVersion: rbx/v1\n").runbook).toBeUndefined();
    const dup = okText.replace("- id: history\n", "- id: before\n");
    const r = load(dup);
    expect(r.runbook).toBeDefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["duplicate-step-id"]);
    expect(r.diagnostics[0]?.related?.[0]?.span.start.line).toBe(56);
  });

  it("points a duplicate key at the second key, with the first as related", () => {
    const r = load("apiVersion: rbx/v1\nkind: Runbook\nkind: Runbook\n");
    expect(r.diagnostics[0]).toMatchObject({
      code: "duplicate-key",
      span: { start: { line: 3, column: 1 } },
      related: [{ span: { start: { line: 2, column: 1 } } }],
    });
  });

  it("validates against the built-in catalog and the committed schema", () => {
    const r = loadRunbook("rb.yaml", okText.replace("action: http.check", "action: no.such.action"), {
      catalog: builtinCatalog,
    });
    expect(
      r.diagnostics.some((d) => d.code === "unknown-action" && d.message.includes("no.such.action")),
    ).toBe(true);
  });
});

describe("loadRunbookFile", () => {
  it("loads a file from disk", async () => {
    const r = await loadRunbookFile(okFile, { catalog: fixtureCatalog });
    expect(r.diagnostics).toEqual([]);
    expect(r.runbook?.file).toBe(okFile);
  });

  it("reports an unreadable file as a diagnostic instead of throwing", async () => {
    const r = await loadRunbookFile(join(import.meta.dirname, "no-such-file.rb.yaml"), {
      catalog: fixtureCatalog,
    });
    expect(r.runbook).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["read-error", "Cannot read the file: it does not exist (ENOENT)"],
    ]);
  });

  it("reads only a regular file of at most 4 MiB: a device, a directory or a huge file is a read-error", async () => {
    const big = join(tmp, "big.rb.yaml");
    writeFileSync(big, `# ${"x".repeat(MAX_SOURCE_BYTES)}\n`);
    for (const [path, reason] of [
      ["/dev/zero", "it is not a regular file (a device, a pipe or a socket); give a file"],
      [tmp, "it is a directory; give a file"],
      [big, "it is larger than the 4 MiB rbx reads; is it the right file?"],
    ] as const) {
      const r = await loadRunbookFile(path, { catalog: fixtureCatalog });
      expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
        ["read-error", `Cannot read the file: ${reason}`],
      ]);
    }
  });
});

describe("what the loader says about odd YAML, once and in words", () => {
  const codes = (text: string) => load(text).diagnostics.map((d) => `${d.span.start.line}:${d.code}`);

  it("reads a file with only CR line endings as its lines", () => {
    const r = load(okText.replaceAll("\n", "\r"));
    expect(r.diagnostics).toEqual([]);
    expect(r.runbook?.metadata.name.value).toBe("kryton-upgrade");
    const broken = load(okText.replace("kind: Runbook", "kind: Runbok").replaceAll("\n", "\r"));
    expect(broken.diagnostics.map((d) => `${d.span.start.line}:${d.code}`)).toEqual(["3:wrong-kind"]);
  });

  it("says a list nested 10,000 levels deep nests too deeply, in one diagnostic", () => {
    expect(codes(`a: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`)).toEqual(["1:too-deeply-nested"]);
    const blocks = Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(codes(blocks)).toEqual([expect.stringMatching(/:too-deeply-nested$/)]);
  });

  it("refuses lists and mappings nested more than 64 levels even when YAML reads them", () => {
    const d = load(`${okText}x: ${"[".repeat(65)}${"]".repeat(65)}\n`).diagnostics;
    expect(d.map((x) => x.code)).toEqual(["too-deeply-nested"]);
    expect(d[0]?.message).toMatch(/nest deeper than rbx reads \(64 levels\).*unclosed `\[` or `\{`/);
    expect(load(`${okText}x: ${"[".repeat(60)}${"]".repeat(60)}\n`).diagnostics.map((x) => x.code)).toEqual([
      "unknown-field",
    ]);
  });

  it("says a list used as a key is not a name, and the yaml package's own warning never reaches stderr", () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      expect(codes(`${okText}? [a, b]\n: 1\n`)).toEqual([`${okText.split("\n").length}:complex-key`]);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

describe("loadRunbook for an editor", () => {
  it("keeps the parsed YAML and reads a refused document as far as it goes", () => {
    const half = okText.replace(/action: (\S+)/, "action:\n");
    const r = loadRunbook("rb.yaml", half, { catalog: fixtureCatalog, editor: true });
    expect(r.runbook).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.yaml?.contents).toBeTruthy();
    expect(r.partial?.metadata.name.value).toBe("kryton-upgrade");
    expect(r.partial?.phases.length).toBe(load(okText).runbook?.phases.length);
  });

  it("gives neither without the option, and no partial AST when the document is sound", () => {
    expect(load(okText).yaml).toBeUndefined();
    const r = loadRunbook("rb.yaml", okText, { catalog: fixtureCatalog, editor: true });
    expect(r.runbook).toBeDefined();
    expect(r.partial).toBeUndefined();
    expect(
      loadRunbook("rb.yaml", "phases: [", { catalog: fixtureCatalog, editor: true }).partial,
    ).toBeDefined();
  });
});

describe("every independent problem in one pass, one report for each", () => {
  const lines = (text: string) => {
    const loaded = loadRunbook("rb.yaml", text, { catalog: builtinCatalog });
    const checked = loaded.runbook ? checkRunbook(loaded.runbook, builtinCatalog, loaded.source) : [];
    return [...loaded.diagnostics, ...checked].map((d) => `${d.span.start.line}:${d.code}`).sort();
  };
  const steps = (extra: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: one-pass, version: 1.0.0 }
phases:
  - id: a
    steps:
      - id: ping
        action: exec
        with: { program: "true" }
        retyr: { attempts: 2 }
      - id: ping
        action: exec
        with: { program: "true" }
        when: params.missing == 1
${extra}`;

  it("an unknown field hides neither a duplicate step id elsewhere nor a type error in an expression", () => {
    expect(lines(steps(""))).toEqual(["10:unknown-field", "11:duplicate-step-id", "14:unknown-field"]);
  });

  it("one YAML mistake gives one error with a hint, however many lines follow it", () => {
    const more = Array.from(
      { length: 30 },
      (_, i) => `      - id: s${i}\n        action: exec\n        with: { program: "true" }\n`,
    ).join("");
    const broken = steps(more).replace(
      'with: { program: "true" }\n        retyr',
      'with: { program: "true", input: x[0] }\n        retyr',
    );
    const d = loadRunbook("rb.yaml", broken, { catalog: builtinCatalog }).diagnostics;
    expect(d.map((x) => `${x.span.start.line}:${x.span.start.column}:${x.code}`)).toEqual([
      "9:42:yaml-syntax",
    ]);
    expect(d[0]?.message).toContain("a `[` in the middle of a value starts a list");
    expect(d[0]?.message).toContain('quote a value that holds [ ] { } or , (for example `input: "x[0]"`)');
    const unclosed = loadRunbook("rb.yaml", broken.replace("input: x[0] }", "args: [x }"), {
      catalog: builtinCatalog,
    }).diagnostics;
    expect(unclosed.map((x) => `${x.span.start.line}:${x.span.start.column}:${x.code}`)).toEqual([
      "9:40:yaml-syntax",
    ]);
    expect(unclosed[0]?.message).toContain("this `[` is never closed");
  });

  it("one literal token, one report: a misspelt action is an unknown action with a suggestion, not also a bad name", () => {
    expect(
      lines(
        steps("").replace(
          'action: exec\n        with: { program: "true" }\n        retyr: { attempts: 2 }',
          'action: Exec Step\n        with: { program: "true" }',
        ),
      ),
    ).toEqual(["10:duplicate-step-id", "13:unknown-field", "8:unknown-action"]);
  });
});
