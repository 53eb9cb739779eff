import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { actions, builtinCatalog } from "../../src/builtins/index.js";

const findAction = (name: string) => builtinCatalog.find(name);
const actionNames = () => builtinCatalog.actions.map((a) => a.name);

import { typeName } from "../../src/contract/cel-types.js";

const mine = [
  "sql.query",
  "sql.exec",
  "sql.migrations",
  "sql.repairTracking",
  "sql.markApplied",
  "http.check",
  "snapshot.create",
  "snapshot.verify",
  "snapshot.restore",
  "snapshot.list",
  "helm.upgrade",
  "helm.rollback",
  "helm.uninstall",
  "helm.history",
  "helm.status",
  "helm.list",
  "helm.values",
  "helm.preview",
  "kubectl.rolloutStatus",
  "kubectl.waitJob",
  "kubectl.get",
  "kubectl.patch",
  "kubectl.logs",
  "dotenv.set",
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("the built-in catalog (sql, http, snapshot, helm, kubectl)", () => {
  it("registers every action once", () => {
    for (const name of mine) expect(findAction(name)?.name).toBe(name);
    expect(new Set(actionNames()).size).toBe(actions.length);
  });

  it("gives each a strict, valid JSON Schema for `with:` and an object output type", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    for (const name of mine) {
      const a = findAction(name);
      expect(a?.input.type, name).toBe("object");
      expect(a?.input.additionalProperties, name).toBe(false);
      expect(() => ajv.compile(a?.input ?? {}), name).not.toThrow();
      expect(a?.output.kind, name).toBe("object");
      expect(typeName(a?.output ?? { kind: "dyn" }), name).toBe(
        `${name}.output`.replace("snapshot.create.output", "snapshot.manifest"),
      );
    }
  });

  it("validates `with:` values with those schemas", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    const upgrade = ajv.compile(findAction("helm.upgrade")?.input ?? {});
    expect(
      upgrade({ release: "kryton", chart: "oci://r/c", set: { "image.tag": "v1" }, timeout: "15m" }),
    ).toBe(true);
    expect(upgrade({ release: "kryton", chart: "c", timeout: "soon" })).toBe(false);
    expect(upgrade({ release: "kryton", chart: "c", atomik: true })).toBe(false);
    const create = ajv.compile(findAction("snapshot.create")?.input ?? {});
    expect(create({ format: "directory", jobs: 4 })).toBe(true);
    expect(create({ jobs: 4 })).toBe(false);
    const logs = ajv.compile(findAction("kubectl.logs")?.input ?? {});
    expect(logs({ job: "auth-migration-3" })).toBe(true);
    expect(logs({})).toBe(false);
  });

  it("gives write actions a probe, and marks the tracking repair as needing approval", () => {
    for (const name of mine) {
      const a = findAction(name);
      if (a?.effect === "write") expect(typeof a.probe, name).toBe("function");
    }
    expect(findAction("sql.repairTracking")?.requiresApproval).toBe(true);
    expect(mine.filter((n) => findAction(n)?.requiresApproval)).toEqual([
      "sql.repairTracking",
      "sql.markApplied",
    ]);
  });

  it("imports pg, execa and client-node only lazily, so `rbx validate` stays fast", () => {
    const heavy = /^import (?!type )[^;]*from "(pg|execa|@kubernetes\/client-node)"/m;
    const offenders = filesUnder(join(import.meta.dirname, "..", "..", "src", "builtins"))
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => heavy.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("documents every action, its `with` fields and its output fields in docs/actions.md", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "actions.md"), "utf8");
    for (const name of actionNames()) {
      const start = doc.indexOf(`## \`${name}\``);
      expect(start, name).toBeGreaterThan(0);
      const next = doc.indexOf("\n## ", start + 3);
      const section = doc.slice(start, next < 0 ? undefined : next);
      const a = findAction(name);
      for (const field of Object.keys((a?.input.properties as Record<string, unknown>) ?? {})) {
        expect(section, `${name} with.${field}`).toContain(`| \`${field}\` |`);
      }
      if (a?.output.kind === "object") {
        for (const field of Object.keys(a.output.fields))
          expect(section, `${name} output.${field}`).toContain(`| \`${field}\` |`);
      }
      expect(section, name).toMatch(/\*\*Plan:\*\*/);
      expect(section, name).toMatch(/\*\*Errors/);
    }
  });
});
