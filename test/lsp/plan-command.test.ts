// The rbx.plan command over a real stdio connection: the plan of the open runbook's current (unsaved) text,
// the same text `rbx plan` prints, with params given by the editor or a params file; what stops it, said.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LspClient, root, runbook } from "./client.js";

/** The environment the Scrydon runbook reads its URLs and secrets from (nothing is contacted: plan only). */
const env = {
  SCRYDON_URL: "http://127.0.0.1:1",
  SCRYDON_AGENTIC_URL: "http://127.0.0.1:2",
  SCRYDON_ANALYTICS_URL: "http://127.0.0.1:3",
  SCRYDON_AUDIT_FORWARDER_URL: "http://127.0.0.1:4",
  SCRYDON_ADMIN_PASSWORD: "admin-password-1",
  SCRYDON_AUTH_DATABASE_URL: "postgres://rbx:auth-password-1@127.0.0.1/auth",
  SCRYDON_AGENTIC_DATABASE_URL: "postgres://rbx:agentic-password-1@127.0.0.1/agentic",
  SCRYDON_ANALYTICS_DATABASE_URL: "postgres://rbx:analytics-password-1@127.0.0.1/analytics",
  SCRYDON_CORTEX_URL: "http://127.0.0.1:5",
  SCRYDON_ONTOLOGY_URL: "http://127.0.0.1:6",
  SCRYDON_CORTEX_DATABASE_URL: "postgres://rbx:cortex-password-1@127.0.0.1/cortex",
  SCRYDON_ONTOLOGY_DATABASE_URL: "postgres://rbx:ontology-password-1@127.0.0.1/ontology",
};
const paramsFile = "runbooks/lab/scrydon.params.yaml";

let client: LspClient;
const scrydon = runbook("scrydon.rb.yaml");
beforeAll(async () => {
  client = await LspClient.start({ env });
  await client.open(scrydon.uri, scrydon.text);
});
afterAll(async () => {
  await client?.stop();
});

type Plan = { ok: boolean; text: string; planHash?: string };
const plan = (args: object) =>
  client.executeCommand("rbx.plan", [{ uri: scrydon.uri, ...args }]) as Promise<Plan>;

describe("the rbx.plan command", () => {
  it("is announced by the server", () => {
    expect(client.initialized.capabilities.executeCommandProvider?.commands).toEqual(["rbx.plan"]);
  });

  it("shows what `rbx plan` prints for the open runbook with a params file", async () => {
    const got = await plan({ paramsFile });
    expect(got.ok, got.text).toBe(true);
    const cli = spawnSync(
      process.execPath,
      [join(root, "bin", "rbx.js"), "plan", scrydon.path, "--params-file", paramsFile],
      {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: "utf8",
      },
    );
    expect(cli.status).toBe(0);
    expect(got.text).toBe(cli.stdout);
    expect(got.text).toContain("phase upgrade (rollback boundary)");
    expect(got.text).toContain(`plan hash: ${got.planHash}`);
    expect(got.text).not.toContain("admin-password-1");
    expect(got.text).not.toContain("auth-password-1");
  });

  it("plans the unsaved text, with params given by the editor over the file's", async () => {
    const edited = scrydon.text.replace("timeout: 30m", "timeout: 45m");
    await client.change(scrydon.uri, edited);
    const got = await plan({ paramsFile, params: { targetVersion: "2.6.0" } });
    expect(got.ok, got.text).toBe(true);
    expect(got.text).toContain("targetVersion=2.6.0");
    expect(got.text).toContain("registry.example/scrydon/api-platform:2.6.0");
    const before = await plan({ paramsFile });
    expect(before.planHash).not.toBe(got.planHash);
    await client.change(scrydon.uri, scrydon.text);
  });

  it("says what stops a plan: a missing param, an unreadable params file, a broken document", async () => {
    const missing = await plan({});
    expect(missing.ok).toBe(false);
    expect(missing.text).toContain('param "targetVersion"');
    const unreadable = await plan({ paramsFile: "runbooks/lab/no-such.params.yaml" });
    expect(unreadable).toMatchObject({ ok: false });
    expect(unreadable.text).toContain("cannot read the params file");
    await client.change(scrydon.uri, scrydon.text.replace("action: helm.history", "action: helm.histroy"));
    const broken = await plan({ paramsFile });
    expect(broken.ok).toBe(false);
    expect(broken.text).toContain("unknown-action");
    await client.change(scrydon.uri, scrydon.text);
    expect(await client.executeCommand("rbx.plan", [])).toMatchObject({ ok: false });
  });
});
