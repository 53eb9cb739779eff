// dotenv.set on real files: the pin a Compose project reads, every other line and the mode kept.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dotenvSet } from "../../src/builtins/dotenv.js";
import { failure, planContext, testContext } from "./context.js";

const ctx = () => testContext(new Map());

describe("dotenv.set", () => {
  it("replaces the variable's line, keeps comments, other lines and the mode, and reports the previous value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rbx-dotenv-"));
    const path = join(dir, ".env");
    writeFileSync(path, "# pinned release\nKRYTON_TAG=v4.6.4\nPOSTGRES_URL='postgres://k:pw@db/k'\n", {
      mode: 0o600,
    });
    const before = await dotenvSet.before?.(ctx(), { path, name: "KRYTON_TAG", value: "v4.6.5" });
    expect(before).toEqual({ value: "v4.6.4" });
    expect(await dotenvSet.probe?.(ctx(), { path, name: "KRYTON_TAG", value: "v4.6.5" }, before)).toEqual({
      state: "not-done",
    });
    const out = await dotenvSet.run(ctx(), { path, name: "KRYTON_TAG", value: "v4.6.5" });
    expect(out).toEqual({ previous: "v4.6.4", changed: true });
    expect(readFileSync(path, "utf8")).toBe(
      "# pinned release\nKRYTON_TAG=v4.6.5\nPOSTGRES_URL='postgres://k:pw@db/k'\n",
    );
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await dotenvSet.probe?.(ctx(), { path, name: "KRYTON_TAG", value: "v4.6.5" }, before)).toEqual({
      state: "done",
      output: { previous: "v4.6.4", changed: true },
    });
    expect(await dotenvSet.run(ctx(), { path, name: "KRYTON_TAG", value: "v4.6.5" })).toEqual({
      previous: "v4.6.5",
      changed: false,
    });
  });

  it("adds an absent variable, quotes a value that needs it, and refuses a missing file unless told to create it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rbx-dotenv-"));
    const path = join(dir, ".env");
    expect((await failure(dotenvSet.run(ctx(), { path, name: "A", value: "1" }))).code).toBe(
      "file-not-found",
    );
    expect(await dotenvSet.run(ctx(), { path, name: "A", value: "1", createFile: true })).toEqual({
      previous: "",
      changed: true,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await dotenvSet.run(ctx(), { path, name: "GREETING", value: 'say "hi" now' });
    expect(readFileSync(path, "utf8")).toBe('A=1\nGREETING="say \\"hi\\" now"\n');
    expect((await failure(dotenvSet.run(ctx(), { path, name: "A", value: "x\ny" }))).code).toBe(
      "invalid-value",
    );
    expect(dotenvSet.plan({ path, name: "A", value: "2" }, planContext(new Map()))[0]?.text).toBe(
      `set A=2 in ${path} (every other line kept)`,
    );
  });
});
