// A fleet in the lab: N instances of a sample product, each in its own namespace (kryton-01 …) with its own
// database, and faults injected per instance — the tenants a platform team upgrades with `rbx fleet run`.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { type PostgresServer, postgresBinDir } from "./postgres.js";
import type { LabSample } from "./samples.js";

const run = promisify(execFile);

/** A fault the lab can inject into one instance (and take out again: the fix). */
export type InstanceFault = "broken-migration";

/** Every instance fault, with what it does. */
export const INSTANCE_FAULTS: Readonly<Record<InstanceFault, string>> = {
  "broken-migration":
    "the instance's database drifted: notes.pinned exists (as text), so the next release's migration " +
    "(ADD COLUMN pinned) fails, its new pod crash-loops and the upgrade never becomes ready",
};

/** What of the lab's state the instances are read from (state-file.ts's LabState has these fields). */
export interface InstancesState {
  dir: string;
  instances?: LabInstances[];
  /** database name → URL */
  databases: Record<string, string>;
  /** "namespace/service" → proxy URL */
  services: Record<string, string>;
}

/** The instances `rbx lab up --instances N` installs for one sample, with their faults. */
export interface LabInstances {
  sample: string;
  count: number;
  /** namespace → fault */
  faults: Record<string, InstanceFault>;
}

/** `07` for instance 7 of up to 99 (three digits beyond). */
export function instanceSuffix(i: number, count: number): string {
  return String(i).padStart(Math.max(2, String(count).length), "0");
}

/** The namespace of instance `i`: `kryton-07`. */
export function instanceNamespace(sample: LabSample, i: number, count: number): string {
  return `${sample.namespace}-${instanceSuffix(i, count)}`;
}

/**
 * Instance `i` of a sample: its own namespace, its own databases (`kryton_07`), Secrets that point at them,
 * and env names that carry its number (KRYTON_07_URL, KRYTON_07_POSTGRES_URL).
 */
export function instanceSample(sample: LabSample, i: number, count: number): LabSample {
  const n = instanceSuffix(i, count);
  const db = (name: string) => `${name}_${n}`;
  const envName = (name: string) => name.replace(/^([A-Z]+)_/, `$1_${n}_`);
  return {
    ...sample,
    namespace: instanceNamespace(sample, i, count),
    databases: sample.databases.map(db),
    secrets: (pg: PostgresServer) =>
      sample.secrets({
        ...pg,
        url: (database?: string) => pg.url(database === undefined ? undefined : db(database)),
      }),
    serviceEnv: Object.fromEntries(
      Object.entries(sample.serviceEnv).map(([svc, env]) => [svc, envName(env)]),
    ),
    databaseEnv: Object.fromEntries(
      Object.entries(sample.databaseEnv).map(([d, env]) => [db(d), envName(env)]),
    ),
  };
}

/** Parse `--fault 7=broken-migration` (repeatable) against the instance count. */
export function parseFault(text: string, count: number): { index: number; fault: InstanceFault } | string {
  const m = /^(\d+)=([a-z-]+)$/.exec(text);
  if (!m) return `--fault takes INSTANCE=FAULT, e.g. 7=broken-migration; got "${text}"`;
  const index = Number(m[1]);
  if (index < 1 || index > count) return `--fault ${text}: there are instances 1 to ${count}`;
  if (!((m[2] as string) in INSTANCE_FAULTS)) {
    return `--fault ${text}: unknown fault; the lab knows ${Object.keys(INSTANCE_FAULTS).join(", ")}`;
  }
  return { index, fault: m[2] as InstanceFault };
}

async function psql(url: string, sql: string): Promise<void> {
  await run(join(postgresBinDir(), "psql"), [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], {
    timeout: 30_000,
  });
}

/** Inject a fault into an installed instance's database (after its first boot migrated it). */
export async function injectFault(databaseUrl: string, fault: InstanceFault): Promise<void> {
  if (fault === "broken-migration") {
    await psql(databaseUrl, 'ALTER TABLE "notes" ADD COLUMN IF NOT EXISTS "pinned" text');
  }
}

/** Take a fault out again — the fix an operator makes before `rbx fleet resume`. */
export async function clearFault(databaseUrl: string, fault: InstanceFault): Promise<void> {
  if (fault === "broken-migration") {
    // Only the drifted column (text); a migrated one (boolean) is the release's own and stays.
    await psql(
      databaseUrl,
      `DO $$ BEGIN
         IF EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'pinned'
                    AND data_type = 'text') THEN ALTER TABLE "notes" DROP COLUMN "pinned"; END IF;
       END $$`,
    );
  }
}

/** The export lines of every instance: KRYTON_07_URL, KRYTON_07_POSTGRES_URL, … */
export function instanceEnvLines(
  state: InstancesState,
  samples: readonly LabSample[],
  quote: (s: string) => string,
): string[] {
  const lines: string[] = [];
  for (const group of state.instances ?? []) {
    const sample = samples.find((s) => s.name === group.sample);
    if (!sample) continue;
    for (let i = 1; i <= group.count; i++) {
      const inst = instanceSample(sample, i, group.count);
      for (const [db, env] of Object.entries(inst.databaseEnv)) {
        const url = state.databases[db];
        if (url) lines.push(`export ${env}=${quote(url)}`);
      }
      for (const [svc, env] of Object.entries(inst.serviceEnv)) {
        const url = state.services[`${inst.namespace}/${svc}`];
        if (url) lines.push(`export ${env}=${quote(url)}`);
      }
    }
  }
  return lines;
}

/**
 * The fleet document for a sample's instances (`rbx lab fleet kryton`): one target per instance, its
 * namespace as a param, its URLs by env indirection (secrets stay in the environment), and the lab params
 * of the product's runbook for every target.
 */
export function fleetDocument(
  state: InstancesState,
  sample: LabSample,
  shared: Record<string, unknown>,
): string | undefined {
  const group = (state.instances ?? []).find((g) => g.sample === sample.name);
  if (!group) return undefined;
  const yamlValue = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));
  const lines = [
    `# The ${group.count} ${sample.name} instances of the lab at ${state.dir}.`,
    `# Run it:  eval "$(rbx lab env)"; rbx fleet run runbooks/${sample.name}.rb.yaml --fleet FILE --max-concurrency 4 --max-errors 2 --approve-all --store URL`,
    "apiVersion: rbx/v1",
    "kind: Fleet",
    "metadata:",
    `  name: ${sample.name}-lab`,
    `  description: ${sample.name} in namespaces ${instanceNamespace(sample, 1, group.count)} … ${instanceNamespace(sample, group.count, group.count)}, each with its own database`,
    "params:",
    ...Object.entries(shared).map(([k, v]) => `  ${k}: ${yamlValue(v)}`),
    "targets:",
  ];
  for (let i = 1; i <= group.count; i++) {
    const inst = instanceSample(sample, i, group.count);
    const fault = group.faults[inst.namespace];
    lines.push(`  - name: ${inst.namespace}`);
    lines.push(
      `    labels: { product: ${sample.name}, instance: "${instanceSuffix(i, group.count)}"${fault ? `, lab-fault: ${fault}` : ""} }`,
    );
    lines.push(`    params: { namespace: ${inst.namespace}, release: ${sample.release} }`);
    const env = [
      ...Object.entries(sample.serviceEnv).map(([svc, name]) => [name, inst.serviceEnv[svc]] as const),
      ...Object.entries(sample.databaseEnv).map(
        ([d, name]) => [name, inst.databaseEnv[`${d}_${instanceSuffix(i, group.count)}`]] as const,
      ),
    ].filter(([, v]) => v !== undefined);
    lines.push(`    env: { ${env.map(([k, v]) => `${k}: ${v}`).join(", ")} }`);
  }
  return `${lines.join("\n")}\n`;
}
