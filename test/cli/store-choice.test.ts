// Where runs and snapshot dumps are kept: flags, then the environment, then `.rbx.yaml` — the same order for the
// store and for snapshots, so a machine's environment says where its share is mounted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { type StoreChoice, storeChoice } from "../../src/cli/operator.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-store-choice-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const choose = (env: Record<string, string>, flags: { store?: string; stateDir?: string } = {}) =>
  storeChoice({ stdout: new PassThrough(), stderr: new PassThrough(), env, cwd: dir }, flags) as StoreChoice;

describe("store choice", () => {
  writeFileSync(join(dir, ".rbx.yaml"), "store: postgres://db.example/rbx\nsnapshots: shared/snapshots\n");

  it("takes the store from the flag, else RBX_STORE, else .rbx.yaml", () => {
    expect(choose({}).url).toBe("postgres://db.example/rbx");
    expect(choose({ RBX_STORE: "postgres://env.example/rbx" }).url).toBe("postgres://env.example/rbx");
    expect(
      choose({ RBX_STORE: "postgres://env.example/rbx" }, { store: "postgres://flag.example/rbx" }).url,
    ).toBe("postgres://flag.example/rbx");
  });

  it("takes the snapshot location from RBX_SNAPSHOTS_DIR, else .rbx.yaml, else beside the state", () => {
    expect(choose({}).snapshotsDir).toBe(join(dir, "shared/snapshots"));
    expect(choose({ RBX_SNAPSHOTS_DIR: "/mnt/share" }).snapshotsDir).toBe("/mnt/share");
    expect(choose({ RBX_SNAPSHOTS_DIR: "mounted" }).snapshotsDir).toBe(join(dir, "mounted"));
    rmSync(join(dir, ".rbx.yaml"));
    expect(choose({}, { stateDir: join(dir, "state") }).snapshotsDir).toBe(join(dir, "state", "snapshots"));
  });
});
