// A project's own actions (`actions:` in .rbx.yaml): loaded, checked and used by the loader, checker, linter,
// plan and schema like the built-ins; every bad module is a diagnostic on its line of .rbx.yaml, never a crash.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { checkRunbook } from "../../src/check/check-runbook.js";
import { lintSource } from "../../src/lint/linter.js";
import { loadRunbook } from "../../src/parser/load.js";
import { runbookSchemaFor } from "../../src/parser/schema/build-schema.js";
import { projectCatalog } from "../../src/project/project-catalog.js";
import { planRunbook } from "../../src/run/bind/bind-document.js";
import { buildOnce } from "../cli/run-rbx.js";
import { type ProjectDir, projectDir } from "../support/project-dir.js";

/** A module as a team writes one: two actions, a helper that is not one, typed with T, failing with fail. */
const FLAGS = `import { defineAction, fail, T } from "rbx-runbooks";

const flagState = T.object("acme.flags.state", { flag: T.string, on: T.bool, revision: T.int });

export const setFlag = defineAction({
  name: "acme.flags.set",
  effect: "write",
  summary: "Turn a feature flag on or off",
  input: {
    type: "object",
    required: ["flag", "on"],
    additionalProperties: false,
    properties: { flag: { type: "string", minLength: 1 }, on: { type: "boolean" } },
  },
  output: flagState,
  plan: (args) => [{ kind: "http", text: \`PUT /flags/\${args.flag} {"on": \${args.on}}\` }],
  run: async (_ctx, args) => {
    if (args.flag === "boom") throw fail.fatal("the flag service refused boom");
    return { flag: args.flag, on: args.on, revision: 7 };
  },
  probe: async () => ({ state: "not-done" }),
});

export const readFlag = defineAction({
  name: "acme.flags.get",
  effect: "read",
  summary: "Read a feature flag",
  input: { type: "object", required: ["flag"], properties: { flag: { type: "string" } } },
  output: flagState,
  plan: (args) => [{ kind: "http", text: \`GET /flags/\${args.flag}\` }],
  run: async (_ctx, args) => ({ flag: args.flag, on: true, revision: 7 }),
});

export const notAnAction = { retries: 3 };
`;

const RUNBOOK = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: flags, version: 1.0.0 }
phases:
  - id: flip
    rollback:
      - action: acme.flags.set
        with: { flag: checkout-v2, on: false }
      - check: flag-off
    steps:
      - id: before
        action: acme.flags.get
        with: { flag: checkout-v2 }
      - id: flip
        action: acme.flags.set
        with: { flag: checkout-v2, on: true }
        expect:
          - that: steps.flip.output.revision > steps.before.output.revision - 1 && output.on
checks:
  flag-off:
    - id: off
      action: acme.flags.get
      with: { flag: checkout-v2 }
      expect: [{ that: "!output.on" }]
`;

let p: ProjectDir;

beforeAll(() => {
  buildOnce();
  p = projectDir("project-catalog");
  p.write("rbx-actions/flags.js", FLAGS);
  p.write(".rbx.yaml", `# the project\nactions:\n  - ./rbx-actions/flags.js\n`);
  p.write("runbooks/flags.rb.yaml", RUNBOOK);
}, 180_000);

afterAll(() => p?.remove());

describe("a project's own action module", () => {
  it("is found from a runbook below .rbx.yaml and joins the built-ins, with where it came from", async () => {
    const found = await projectCatalog({ near: join(p.dir, "runbooks", "flags.rb.yaml") });
    expect(found.diagnostics).toEqual([]);
    expect(found.configFile).toBe(join(p.dir, ".rbx.yaml"));
    const { catalog } = found;
    expect(catalog.find("acme.flags.set")?.effect).toBe("write");
    expect(catalog.find("acme.flags.get")?.effect).toBe("read");
    expect(catalog.find("helm.upgrade")).toBe(builtinCatalog.find("helm.upgrade"));
    expect(catalog.committedSchema).toBeFalsy();
    expect(catalog.modules).toEqual([
      {
        spec: "./rbx-actions/flags.js",
        file: join(p.dir, "rbx-actions", "flags.js"),
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        actions: expect.arrayContaining(["acme.flags.set", "acme.flags.get"]),
      },
    ]);
    // A folder without .rbx.yaml (or with no `actions:`) gets the built-in catalog itself.
    expect((await projectCatalog({ near: "/" }, true)).catalog).toBe(builtinCatalog);
  });

  it("is checked, typed and linted like a built-in: schema of with:, output fields, its effect", async () => {
    const { catalog } = await projectCatalog({ near: join(p.dir, "runbooks", "flags.rb.yaml") });
    const bad = RUNBOOK.replace("on: true }", 'on: "yes" }').replace(
      "steps.flip.output.revision",
      "steps.flip.output.revison",
    );
    const loaded = loadRunbook("flags.rb.yaml", bad, { catalog });
    expect(loaded.diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual([
      "16:40 wrong-type",
    ]);
    const typed = loadRunbook("flags.rb.yaml", RUNBOOK.replace("revision >", "revison >"), { catalog });
    const problems = checkRunbook(typed.runbook!, catalog, typed.source);
    expect(problems.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code}`)).toEqual([
      "18:37 unknown-field",
    ]);
    expect((await lintSource("flags.rb.yaml", RUNBOOK, { catalog })).diagnostics).toEqual([]);
    // The same document against the built-ins only: unknown actions, assumed to write.
    const blind = (await lintSource("flags.rb.yaml", RUNBOOK, { catalog: builtinCatalog })).diagnostics;
    expect(blind.map((d) => d.code)).toContain("unknown-action");
    // Its effect reaches the rules: the write outside a boundary has no posture; the read needs none.
    const outside = RUNBOOK.replace(
      "    rollback:\n      - action: acme.flags.set\n        with: { flag: checkout-v2, on: false }\n      - check: flag-off\n",
      "",
    );
    const found = (await lintSource("flags.rb.yaml", outside, { catalog })).diagnostics.filter(
      (d) => d.code !== "unused-check",
    );
    expect(found.map((d) => `${d.span.start.line} ${d.code} ${d.message.split(" outside")[0]}`)).toEqual([
      "11 write-without-rollback-posture step flip writes",
    ]);
  });

  it("has its with: in the schema, and its plan line and module in the plan", async () => {
    const { catalog } = await projectCatalog({ near: join(p.dir, "runbooks", "flags.rb.yaml") });
    const schema = runbookSchemaFor(catalog.actions) as { $defs: { actions: Record<string, unknown> } };
    expect(schema.$defs.actions["acme.flags.set"]).toMatchObject({
      description: "Turn a feature flag on or off",
      required: ["flag", "on"],
    });
    const said: string[] = [];
    const plan = planRunbook(
      join(p.dir, "runbooks", "flags.rb.yaml"),
      { cli: new Map() },
      { cwd: p.dir, env: {}, catalog, say: (l) => said.push(l) },
    );
    expect(said).toEqual([]);
    const flip = plan?.phases[0]?.steps.find((s) => s.key === "flip");
    expect(flip).toMatchObject({
      action: "acme.flags.set",
      effect: "write",
      effects: [{ kind: "http", text: 'PUT /flags/checkout-v2 {"on": true}' }],
    });
    expect(plan?.modules).toEqual([
      {
        spec: "./rbx-actions/flags.js",
        contentHash: catalog.modules?.[0]?.contentHash,
        actions: expect.arrayContaining(["acme.flags.set", "acme.flags.get"]),
      },
    ]);
  });

  it("from a package: resolved from the project's folder by its exports (ESM only), with its version", async () => {
    const q = projectDir("project-package");
    try {
      q.write(
        "node_modules/@acme/rbx-actions/package.json",
        JSON.stringify({
          name: "@acme/rbx-actions",
          version: "2.3.1",
          type: "module",
          exports: { ".": { import: "./src/index.js" } },
        }),
      );
      q.write("node_modules/@acme/rbx-actions/src/index.js", FLAGS.replaceAll("acme.flags", "acme.pkg"));
      q.write(".rbx.yaml", "actions: ['@acme/rbx-actions']\n");
      const found = await projectCatalog({ near: q.dir }, true);
      expect(found.diagnostics).toEqual([]);
      expect(found.catalog.modules?.[0]).toMatchObject({
        spec: "@acme/rbx-actions",
        package: { name: "@acme/rbx-actions", version: "2.3.1" },
        actions: ["acme.pkg.get", "acme.pkg.set"],
      });
    } finally {
      q.remove();
    }
  });
});

/** The module text of one bad case, and what rbx must say about it. */
const BAD: [name: string, module: string, code: string, says: string][] = [
  ["a module that is not there", "", "action-module-not-found", "there is no file"],
  [
    "a module that throws while loading",
    'throw new Error("cannot reach the vault at load time");\n',
    "action-module-failed",
    "it threw while loading: cannot reach the vault at load time (at ",
  ],
  [
    "a module written for another contract version",
    'import { defineAction, T } from "rbx-runbooks";\nexport const a = { ...defineAction({ name: "acme.x.y", effect: "read", summary: "s", input: { type: "object" }, output: T.dyn, plan: () => [], run: async () => null }), contract: 2 };\n',
    "invalid-action",
    "targets action contract v2, and this rbx speaks v1",
  ],
  [
    "a plain object not made with defineAction",
    'export const a = { name: "acme.x.y", effect: "read", summary: "s", input: { type: "object" }, output: { kind: "dyn" }, plan: () => [], run: async () => null };\n',
    "invalid-action",
    "it carries no contract version: make it with defineAction",
  ],
  [
    "an action in a built-in namespace",
    'import { defineAction, T } from "rbx-runbooks";\nexport const a = defineAction({ name: "helm.sync", effect: "write", summary: "s", input: { type: "object" }, output: T.dyn, plan: () => [], run: async () => null });\n',
    "invalid-action",
    'in the built-in namespace "helm"',
  ],
  [
    "an action without a namespace, an effect or a typed output",
    'import { defineAction } from "rbx-runbooks";\nexport const a = defineAction({ name: "sync", effect: "change", summary: "s", input: { type: "object" }, output: "string", plan: () => [], run: async () => null });\n',
    "invalid-action",
    'is not a namespaced action name: use dotted camelCase words with a namespace of your own, e.g. acme.argocd.sync; its effect must be "read" or "write", not "change"; its output is not a type; build it with T',
  ],
  [
    "a module with no actions",
    "export const version = 3;\n",
    "action-module-empty",
    "exports no action definitions",
  ],
  [
    "an input schema ajv cannot compile",
    'import { defineAction, T } from "rbx-runbooks";\nexport const a = defineAction({ name: "acme.x.y", effect: "read", summary: "s", input: { type: "object", properties: { n: { type: "integr" } } }, output: T.dyn, plan: () => [], run: async () => null });\n',
    "invalid-action",
    '"acme.x.y" cannot be used: its input schema does not compile',
  ],
];

describe("a module rbx cannot use", () => {
  it.each(BAD)(
    "%s is a diagnostic on its line of .rbx.yaml; the built-ins still work",
    async (_n, text, code, says) => {
      const q = projectDir("project-bad");
      try {
        if (text) q.write("actions/bad.js", text);
        const config = q.write(".rbx.yaml", "lint: {}\nactions:\n  - ./actions/bad.js\n");
        const found = await projectCatalog({ near: q.dir }, true);
        expect(found.diagnostics).toHaveLength(1);
        const d = found.diagnostics[0]!;
        expect(d).toMatchObject({ code, severity: "error" });
        expect(d.message).toContain(says);
        expect(`${d.span.file}:${d.span.start.line}:${d.span.start.column}`).toBe(`${config}:3:5`);
        expect(found.catalog.find("helm.upgrade")).toBeDefined();
        expect(found.catalog.find("acme.x.y")).toBeUndefined();
      } finally {
        q.remove();
      }
    },
  );

  it("two modules defining one name: the second is refused, pointing at the first", async () => {
    const q = projectDir("project-dup");
    try {
      q.write("a.js", FLAGS);
      q.write("b.js", FLAGS);
      q.write(".rbx.yaml", "actions: [./a.js, ./b.js]\n");
      const found = await projectCatalog({ near: q.dir }, true);
      expect(
        found.diagnostics.map((d) => [d.code, d.span.start.column, d.related?.[0]?.span.start.column]),
      ).toEqual([
        ["duplicate-action", 19, 11],
        ["duplicate-action", 19, 11],
      ]);
      expect(found.catalog.modules?.map((m) => m.spec)).toEqual(["./a.js"]);
    } finally {
      q.remove();
    }
  });

  it("a module that is not listed the right way", async () => {
    const q = projectDir("project-shape");
    try {
      q.write(".rbx.yaml", "actions: ./flags.js\n");
      const found = await projectCatalog({ near: q.dir }, true);
      expect(found.diagnostics.map((d) => d.message)).toEqual([
        "`actions:` must list module paths or package names",
      ]);
      expect(readFileSync(join(q.dir, ".rbx.yaml"), "utf8")).toContain("actions");
    } finally {
      q.remove();
    }
  });
});
