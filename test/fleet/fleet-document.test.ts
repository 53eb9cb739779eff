// The kind: Fleet document: params merged (fleet, params file, target), env indirections, selectors, problems.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isFleetText, loadFleetFile, selectTargets } from "../../src/fleet/fleet-document.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-fleet-doc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fleet documents", () => {
  it("merges the fleet's params, a target's params file and its own params, in that order", async () => {
    writeFileSync(join(dir, "acme.params.yaml"), "namespace: from-file\nreplicas: 3\nchart: file-chart\n");
    const file = join(dir, "f.fleet.yaml");
    writeFileSync(
      file,
      [
        "apiVersion: rbx/v1",
        "kind: Fleet",
        "metadata: { name: tenants }",
        "params: { chart: fleet-chart, version: 1.2.3 }",
        "env: { KRYTON_URL: DEFAULT_URL }",
        "targets:",
        "  - name: acme",
        "    paramsFile: acme.params.yaml",
        "    params: { namespace: acme }",
        "    labels: { tier: gold }",
        "    env: { KRYTON_POSTGRES_URL: ACME_DB }",
        "  - { name: globex, params: { namespace: globex }, labels: { tier: silver } }",
        "",
      ].join("\n"),
    );
    const loaded = await loadFleetFile(file);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.fleet?.targets[0]).toEqual({
      name: "acme",
      params: { chart: "file-chart", version: "1.2.3", namespace: "acme", replicas: 3 },
      labels: { tier: "gold" },
      env: { KRYTON_URL: "DEFAULT_URL", KRYTON_POSTGRES_URL: "ACME_DB" },
    });
    const gold = selectTargets(loaded.fleet?.targets ?? [], "tier=gold");
    expect(Array.isArray(gold) && gold.map((t) => t.name)).toEqual(["acme"]);
    expect(selectTargets(loaded.fleet?.targets ?? [], "tier")).toEqual({
      error: '--selector takes key=value[,key=value]; got "tier"',
    });
    expect(isFleetText("apiVersion: rbx/v1\nkind: Fleet\n")).toBe(true);
    expect(isFleetText("apiVersion: rbx/v1\nkind: Runbook\n")).toBe(false);
  });

  it("says where a params file cannot be read, an env name that is not one, and a missing target list", async () => {
    const file = join(dir, "bad.fleet.yaml");
    writeFileSync(
      file,
      "apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: bad }\ntargets:\n  - { name: a, paramsFile: nope.yaml }\n",
    );
    const loaded = await loadFleetFile(file);
    expect(loaded.fleet).toBeUndefined();
    expect(loaded.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["unreadable-params-file", 5],
    ]);
    expect(loaded.diagnostics[0]?.message).toContain("relative to the fleet document");
    writeFileSync(
      file,
      "apiVersion: rbx/v1\nkind: Fleet\nmetadata: { name: Bad_Name }\nenv: { X: 'not a name' }\n",
    );
    const shape = await loadFleetFile(file);
    expect(shape.fleet).toBeUndefined();
    expect(shape.diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(shape.diagnostics.every((d) => d.severity === "error")).toBe(true);
  });
});
