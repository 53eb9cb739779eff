// The rights a submitted run's ServiceAccount gets: per action, merged, and the table in the docs says the same.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { ACTION_RIGHTS, LEASE_RIGHTS, rightsFor } from "../../src/kube-jobs/job-rights.js";

const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "kubernetes-jobs.md"), "utf8");

describe("job rights", () => {
  it("covers every built-in action that talks to a Kubernetes connection, and nothing else", () => {
    const kube = builtinCatalog.actions
      .filter((a) => (a.connectionKinds ?? []).includes("kubernetes"))
      .map((a) => a.name)
      .sort();
    expect(Object.keys(ACTION_RIGHTS).sort()).toEqual(kube);
  });

  it("gives a read-only runbook read verbs only and no Lease; a write adds the Lease", () => {
    const read = rightsFor(["kubectl.get", "kubectl.rolloutStatus", "helm.history"], false);
    expect(new Set(read.flatMap((r) => r.verbs))).toEqual(new Set(["get", "list", "watch"]));
    expect(read.flatMap((r) => r.resources)).not.toContain("leases");
    const write = rightsFor(["helm.upgrade"], true);
    expect(write).toContainEqual({
      ...LEASE_RIGHTS[0],
      verbs: [...(LEASE_RIGHTS[0]?.verbs ?? [])].sort(),
    });
    // Merged: one rule per group set and verbs, resources sorted and unique.
    const keys = write.map((r) => `${r.apiGroups.join()}|${r.verbs.join()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("is documented action by action in docs/kubernetes-jobs.md, with each resource it grants", () => {
    for (const [action, rules] of Object.entries(ACTION_RIGHTS)) {
      const row = doc
        .split("\n")
        .find((l) => l.startsWith("| ") && l.split("|")[1]?.includes(`\`${action}\``));
      expect(row, action).toBeDefined();
      for (const resource of rules.flatMap((r) => r.resources).filter((r) => r !== "*"))
        expect(
          row?.includes(resource) || (action === "helm.rollback" && row?.includes("as `helm.upgrade`")),
          `${action}: ${resource}`,
        ).toBe(true);
    }
  });
});
