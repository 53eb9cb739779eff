// The helm major version for plans: asked synchronously (a local `helm version`, no cluster access), cached.

const cache = new Map<string, number | undefined>();

/** 3 or 4 when `bin --short version` answers within 5 s; undefined when helm cannot be run here. */
export function helmMajorForPlan(bin: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!cache.has(bin)) {
    let major: number | undefined;
    try {
      // child_process (with net and streams) loads only when a plan asks, not with the catalog.
      const { execFileSync } = process.getBuiltinModule("node:child_process");
      const out = execFileSync(bin, ["version", "--short"], {
        env,
        timeout: 5_000,
        encoding: "utf8",
        stdio: "pipe",
      });
      const m = /v(\d+)\./.exec(out);
      major = m ? Number(m[1]) : undefined;
    } catch {
      major = undefined;
    }
    cache.set(bin, major);
  }
  return cache.get(bin);
}
