// `rbx lab fleet PRODUCT` prints the fleet document of a lab started with --instances; `rbx lab fault NS
// FAULT|none` injects a fault into one instance or takes it out (the fix before `rbx fleet resume`).
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { packagePath } from "../src/package-root.js";
import {
  clearFault,
  fleetDocument,
  INSTANCE_FAULTS,
  type InstanceFault,
  injectFault,
} from "./fleet-instances.js";
import { labSamples } from "./samples.js";
import { readState } from "./state-file.js";

interface LabIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The product runbook's lab params, with the chart and migrations as absolute paths of this lab. */
function sharedParams(name: string, chart: string | undefined): Record<string, unknown> {
  const file = packagePath("runbooks", "lab", `${name}.params.yaml`);
  const params = existsSync(file)
    ? ((parse(readFileSync(file, "utf8")) as Record<string, unknown>) ?? {})
    : {};
  if (chart) params.chart = chart;
  if (typeof params.migrationsDir === "string") params.migrationsDir = packagePath(params.migrationsDir);
  return params;
}

export async function labFleetCommand(
  sub: "fleet" | "fault",
  words: string[],
  dir: string,
  io: LabIO,
): Promise<number> {
  const state = readState(dir);
  if (!state) {
    io.stderr.write(
      `rbx lab: no lab in ${dir}. Start one with \`rbx lab up --products kryton --instances 20\`.\n`,
    );
    return 1;
  }
  if (sub === "fleet") {
    const name = words[0];
    const sample = labSamples.find((s) => s.name === name);
    if (!sample) {
      io.stderr.write(
        `rbx lab fleet: name a product (kryton, scrydon, alexandria); got ${JSON.stringify(name ?? "")}\n`,
      );
      return 2;
    }
    const release = state.releases.find((r) => r.sample === sample.name);
    const doc = fleetDocument(state, sample, sharedParams(sample.name, release?.charts[sample.next.chart]));
    if (!doc) {
      io.stderr.write(
        `rbx lab fleet: this lab has no ${sample.name} instances; start it with \`rbx lab up --products ${sample.name} --instances N\`\n`,
      );
      return 1;
    }
    io.stdout.write(doc);
    return 0;
  }
  const [namespace, fault] = words;
  const group = (state.instances ?? []).find((g) => namespace?.startsWith(`${g.sample}`));
  const release = state.releases.find((r) => r.namespace === namespace);
  if (!group || !release || !namespace) {
    io.stderr.write(
      `rbx lab fault: name an instance's namespace (e.g. kryton-07); got ${JSON.stringify(namespace ?? "")}\n`,
    );
    return 2;
  }
  if (fault !== "none" && !(fault !== undefined && fault in INSTANCE_FAULTS)) {
    io.stderr.write(`rbx lab fault: give a fault (${Object.keys(INSTANCE_FAULTS).join(", ")}) or none\n`);
    return 2;
  }
  const suffix = namespace.slice(namespace.lastIndexOf("-") + 1);
  const db = Object.keys(state.databases).find((d) => d.endsWith(`_${suffix}`) && d.startsWith(group.sample));
  const url = db ? state.databases[db] : undefined;
  if (!url) {
    io.stderr.write(`rbx lab fault: ${namespace} has no database in the lab state\n`);
    return 1;
  }
  // The database is the truth of a fault (the state file records what `up` injected, for the fleet's labels).
  if (fault === "none") {
    for (const f of Object.keys(INSTANCE_FAULTS) as InstanceFault[]) await clearFault(url, f);
    io.stderr.write(`${namespace}: faults taken out\n`);
  } else {
    await injectFault(url, fault as InstanceFault);
    io.stderr.write(`${namespace}: ${fault} injected — ${INSTANCE_FAULTS[fault as InstanceFault]}\n`);
  }
  return 0;
}
