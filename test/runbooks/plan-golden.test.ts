// The committed `rbx plan` of each product runbook: what an operator reads before approving a run.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolPaths } from "../../lab/tool-binaries.js";
import { killLiveRbx, REPO, rbx } from "./support/rbx.js";

const GOLDEN = join(REPO, "test", "runbooks", "golden");

/** One golden plan: the runbook, its production-shaped params, and the committed output. */
const cases = [
  { name: "scrydon", runbook: "runbooks/scrydon.rb.yaml" },
  { name: "kryton", runbook: "runbooks/kryton.rb.yaml" },
  { name: "kryton-operator", runbook: "runbooks/kryton.rb.yaml" },
  { name: "kryton-compose", runbook: "runbooks/kryton.rb.yaml" },
  { name: "alexandria", runbook: "runbooks/alexandria.rb.yaml" },
];

// Fixed, production-shaped environment: no lab ports, no real credentials, nothing machine-specific.
const fixedEnv = {
  RBX_SNAPSHOTS_DIR: "/var/lib/rbx/snapshots",
  KRYTON_URL: "https://kryton.customer.example",
  KRYTON_POSTGRES_URL: "postgres://kryton:not-a-real-password@db.customer.example:5432/kryton",
  SCRYDON_URL: "https://scrydon.customer.example",
  SCRYDON_AGENTIC_URL: "https://agentic.scrydon.customer.example",
  SCRYDON_ANALYTICS_URL: "https://analytics.scrydon.customer.example",
  SCRYDON_AUDIT_FORWARDER_URL: "https://siem-forwarder.customer.example",
  SCRYDON_ADMIN_PASSWORD: "not-a-real-admin-password",
  SCRYDON_AUTH_DATABASE_URL: "postgres://scrydon:not-a-real-password@pg.customer.example:5432/auth",
  SCRYDON_AGENTIC_DATABASE_URL: "postgres://scrydon:not-a-real-password@pg.customer.example:5432/agentic",
  SCRYDON_ANALYTICS_DATABASE_URL: "postgres://scrydon:not-a-real-password@pg.customer.example:5432/analytics",
  SCRYDON_CORTEX_URL: "https://cortex.scrydon.customer.example",
  SCRYDON_ONTOLOGY_URL: "https://ontology.scrydon.customer.example",
  SCRYDON_CORTEX_DATABASE_URL: "postgres://scrydon:not-a-real-password@pg.customer.example:5432/cortex",
  SCRYDON_ONTOLOGY_DATABASE_URL: "postgres://scrydon:not-a-real-password@pg.customer.example:5432/ontology",
  SCRYDON_COSIGN_KEY: "/etc/scrydon/cosign.pub",
  ALEXANDRIA_URL: "https://alexandria.customer.example",
  ALEXANDRIA_DSN: "postgres://alexandria:not-a-real-password@pg.customer.example:5432/alexandria",
};

let home = "";
let env: Record<string, string> = {};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "rbx-golden-"));
  // `helm` on PATH is the real helm 3, so plans show Helm 3 flags without a machine-specific path.
  symlinkSync((await toolPaths()).helm3, join(home, "helm"));
  env = { ...fixedEnv, HOME: home, PATH: `${home}:${dirname(process.execPath)}` };
});

afterAll(() => {
  killLiveRbx();
  rmSync(home, { recursive: true, force: true });
});

describe("golden rbx plan of the product runbooks", () => {
  for (const c of cases) {
    it(`${c.name}: rbx plan matches test/runbooks/golden/${c.name}.plan.txt`, async () => {
      const params = join("test", "runbooks", "golden", `${c.name}.params.yaml`);
      const r = await rbx(["plan", c.runbook, "--params-file", params], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const text = r.stdout.replaceAll(`${REPO}/`, "");
      const golden = join(GOLDEN, `${c.name}.plan.txt`);
      if (process.env.RBX_UPDATE_GOLDEN === "1") writeFileSync(golden, text);
      expect(text).toBe(readFileSync(golden, "utf8"));
      // The plan never shows a credential.
      expect(text).not.toContain("not-a-real");
    });
  }
});
