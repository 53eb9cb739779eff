// The Scrydon rehearsals' shared helpers: a lab with 2.4.0, a run of the runbook, what each service serves.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getJson, type Lab, labChart, labParams, labRbx, sql, startLab } from "./lab.js";

export const SCRYDON_RUNBOOK = "runbooks/scrydon.rb.yaml";

/** The five services and the database each owns, in the order the helpers report them. */
export const SERVICES = [
  { url: "SCRYDON_URL", db: "SCRYDON_AUTH_DATABASE_URL" },
  { url: "SCRYDON_AGENTIC_URL", db: "SCRYDON_AGENTIC_DATABASE_URL" },
  { url: "SCRYDON_ANALYTICS_URL", db: "SCRYDON_ANALYTICS_DATABASE_URL" },
  { url: "SCRYDON_CORTEX_URL", db: "SCRYDON_CORTEX_DATABASE_URL" },
  { url: "SCRYDON_ONTOLOGY_URL", db: "SCRYDON_ONTOLOGY_DATABASE_URL" },
] as const;

/** A lab with Scrydon 2.4.0; cosign, its key, the audit forwarder and the admin password come from rbx lab env. */
export async function scrydonLab(): Promise<Lab> {
  const l = await startLab("scrydon");
  mkdirSync(join(l.dir, "tools"), { recursive: true });
  return l;
}

/** `rbx run` of the Scrydon runbook with the lab params plus overrides (a short helm timeout: the lab is fast). */
export function run(
  l: Lab,
  params: Record<string, string>,
  extra: Parameters<typeof labRbx>[2] = {},
  approve?: string[],
) {
  const version = params.targetVersion ?? "2.5.0";
  const all = {
    chart: labChart(l, `scrydon-${version}.tgz`),
    upgradeTimeout: "40s",
    backfillWait: "1m",
    ...params,
  };
  const args = ["run", SCRYDON_RUNBOOK, "--params-file", labParams("scrydon")];
  if (approve) for (const a of approve) args.push("--approve", a);
  else args.push("--approve-all");
  for (const [k, v] of Object.entries(all)) args.push("--param", `${k}=${v}`);
  return labRbx(l, args, extra);
}

/** The version each service reports (undefined for one that does not answer). */
export async function versions(l: Lab): Promise<unknown[]> {
  return Promise.all(
    SERVICES.map(
      async (s) =>
        (await getJson(`${l.env[s.url]}/api/version`).catch(() => ({ body: {} as Record<string, unknown> })))
          .body.version,
    ),
  );
}

/** The number of rows in each database's drizzle ledger. */
export async function ledgers(l: Lab): Promise<(number | undefined)[]> {
  return Promise.all(
    SERVICES.map(
      async (s) =>
        (
          await sql<{ n: number }>(
            l.env[s.db] ?? "",
            "select count(*)::int as n from drizzle.__drizzle_migrations",
          )
        )[0]?.n,
    ),
  );
}

/** A customer values file of the test's own: the chart's values plus `extra` YAML. */
export function valuesFile(l: Lab, name: string, extra: string): string {
  const path = join(l.dir, "tools", name);
  writeFileSync(path, extra);
  return path;
}
