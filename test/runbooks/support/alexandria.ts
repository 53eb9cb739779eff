// The Alexandria EE rehearsals' shared helpers: a lab with v1.2.3, site values pinning a tag, a run, what serves.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getJson, type Lab, labChart, labParams, labRbx, sql, startLab } from "./lab.js";

export const ALEXANDRIA_RUNBOOK = "runbooks/alexandria.rb.yaml";

/** A lab with Alexandria v1.2.3; `crane` comes from the lab's PATH (rbx lab env). */
export async function alexandriaLab(): Promise<Lab> {
  const l = await startLab("alexandria");
  mkdirSync(join(l.dir, "tools"), { recursive: true });
  return l;
}

/** A site values file pinning every image to `tag` (003), plus `extra` YAML. */
export function siteValues(l: Lab, tag: string, extra = ""): string {
  const path = join(l.dir, "tools", `site-${tag}-${Buffer.from(extra).toString("hex").slice(0, 12)}.yaml`);
  const pins = ["api", "orchestrator", "dashboard"].map((c) => `  ${c}:\n    tag: "${tag}"`).join("\n");
  writeFileSync(path, `image:\n${pins}\n${extra}`);
  return path;
}

export function run(l: Lab, params: Record<string, string>, extra: Parameters<typeof labRbx>[2] = {}) {
  const tag = params.targetTag ?? "v1.3.0";
  const all = {
    chart: labChart(l, `alexandria-ee-${tag.slice(1)}.tgz`),
    siteValues: siteValues(l, tag),
    rolloutTimeout: "30s",
    ...params,
  };
  const args = ["run", ALEXANDRIA_RUNBOOK, "--params-file", labParams("alexandria"), "--approve-all"];
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args, extra);
}

export async function version(l: Lab) {
  return (await getJson(`${l.env.ALEXANDRIA_URL}/version`)).body.version;
}
export async function schema(l: Lab) {
  return (
    await sql<{ v: number }>(
      l.env.ALEXANDRIA_DSN ?? "",
      "select coalesce(max(version), 0)::int as v from schema_migrations",
    )
  )[0]?.v;
}
