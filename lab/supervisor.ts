// The detached process that owns a running lab: starts everything, installs the samples, keeps the state file current.
import type { Server } from "node:http";
import { join } from "node:path";
import { serveFaults } from "./fault-control.js";
import { injectFault, instanceSample, type LabInstances, parseFault } from "./fleet-instances.js";
import { type SampleExtras, startSampleExtras, stopComposeHost } from "./sample-extras.js";
import { pickSamples } from "./samples.js";
import {
  installSample,
  type LabStack,
  labHelm,
  packageChart,
  prepareSample,
  startLabStack,
} from "./stack.js";
import { type LabRelease, type LabState, removeState, writeState } from "./state-file.js";
import { findLabTools, type LabTools, labToolsOrProblem } from "./tool-binaries.js";

/** Messages the supervisor sends to `rbx lab up` over IPC. */
export type SupervisorMessage =
  | { type: "ready"; state: LabState }
  | { type: "failed"; error: string }
  | { type: "log"; line: string };

function send(message: SupervisorMessage): void {
  if (process.connected) process.send?.(message);
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  send({ type: "log", line });
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const dir = arg("dir", ".rbx/lab");
  const { samples } = pickSamples(arg("products", "kryton,scrydon,alexandria").split(","));
  const helmMajor = arg("helm", "3");
  // --instances N installs each sample N times (namespaces kryton-01 …); --fault 7=broken-migration,…
  const instances = Number(arg("instances", "0"));
  const faultArgs = arg("faults", "")
    .split(",")
    .filter((f) => f !== "");
  let stack: LabStack<LabTools> | undefined;
  let state: LabState | undefined;
  let faults: Server | undefined;
  let stopping = false;
  const extras: SampleExtras[] = [];
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping the lab");
    faults?.close();
    for (const e of extras) await e.stop();
    await stopComposeHost().catch((e: Error) => log(`compose host stop failed: ${e.message}`));
    await stack?.stop().catch((e: Error) => log(`stop failed: ${e.message}`));
    removeState(dir);
    log("lab stopped");
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  process.on("disconnect", () => undefined);
  try {
    const major = helmMajor === "4" ? "4" : "3";
    const found = await findLabTools();
    const tools = labToolsOrProblem(found, major);
    if (typeof tools === "string") throw new Error(tools);
    for (const [tool, origin] of Object.entries(found.origin))
      log(`${tool}: ${found[tool as "kubectl"]} (${origin})`);
    stack = await startLabStack({ dir, log, tools });
    const helm = labHelm(stack, major);
    const releases: LabRelease[] = [];
    const databases: Record<string, string> = {};
    const groups: LabInstances[] = [];
    for (const base of instances > 0 ? samples : []) {
      const group: LabInstances = { sample: base.name, count: instances, faults: {} };
      const faults = new Map<number, string>();
      for (const f of faultArgs) {
        const parsed = parseFault(f, instances);
        if (typeof parsed === "string") throw new Error(parsed);
        faults.set(parsed.index, parsed.fault);
      }
      const charts: Record<string, string> = {};
      for (const v of [base.old, base.next, ...base.others])
        charts[v.chart] = await packageChart(stack, base, v);
      for (let i = 1; i <= instances; i++) {
        const sample = instanceSample(base, i, instances);
        log(
          `installing ${base.name} ${base.old.chart} instance ${i} of ${instances} into namespace ${sample.namespace}`,
        );
        await prepareSample(stack, sample);
        await installSample(stack, sample, charts[base.old.chart]!, helm);
        releases.push({
          sample: base.name,
          release: sample.release,
          namespace: sample.namespace,
          installed: base.old.chart,
          charts,
        });
        for (const db of Object.keys(sample.databaseEnv)) databases[db] = stack.postgres.url(db);
        const fault = faults.get(i);
        if (fault) {
          const db = Object.keys(sample.databaseEnv)[0]!;
          await injectFault(stack.postgres.url(db), fault as never);
          group.faults[sample.namespace] = fault as never;
          log(`injected fault ${fault} into ${sample.namespace}`);
        }
      }
      groups.push(group);
    }
    const env: Record<string, string> = {};
    for (const sample of instances > 0 ? [] : samples) {
      log(
        `installing ${sample.name} ${sample.old.chart} ${sample.install === "compose" ? "with Docker Compose" : `into namespace ${sample.namespace}`}`,
      );
      const secrets = await prepareSample(stack, sample);
      const charts: Record<string, string> = {};
      for (const v of [sample.old, sample.next, ...sample.others])
        charts[v.chart] = await packageChart(stack, sample, v);
      if (sample.install === "helm") await installSample(stack, sample, charts[sample.old.chart]!, helm);
      const extra = await startSampleExtras(stack, sample, secrets);
      extras.push(extra);
      Object.assign(env, extra.env);
      releases.push({
        sample: sample.name,
        release: sample.release,
        namespace: sample.namespace,
        installed: sample.old.chart,
        charts,
      });
      for (const db of Object.keys(sample.databaseEnv)) databases[db] = stack.postgres.url(db);
    }
    const s = stack;
    const snapshot = (): LabState => ({
      version: 1,
      dir,
      startedAt: state?.startedAt ?? new Date().toISOString(),
      supervisorPid: process.pid,
      logFile: join(dir, "supervisor.log"),
      apiUrl: s.apiUrl,
      kubeconfig: s.kubeconfig,
      binDir: s.binDir,
      helmHome: {
        cache: s.toolEnv.HELM_CACHE_HOME!,
        config: s.toolEnv.HELM_CONFIG_HOME!,
        data: s.toolEnv.HELM_DATA_HOME!,
      },
      postgres: {
        pid: s.postgres.pid,
        port: s.postgres.port,
        dataDir: s.postgres.dataDir,
        url: s.postgres.url(),
      },
      databases,
      releases,
      markers: { url: s.markers.url, token: s.markers.token },
      env,
      services: Object.fromEntries(s.proxies.list().map((p) => [`${p.namespace}/${p.name}`, p.url])),
      pods: Object.fromEntries(
        s.runtime.all().flatMap((p) => (p.pid ? [[`${p.namespace}/${p.name}`, p.pid]] : [])),
      ),
      ...(groups.length > 0 ? { instances: groups } : {}),
    });
    state = snapshot();
    writeState(state);
    const refresh = () => {
      const next = snapshot();
      if (JSON.stringify(next) !== JSON.stringify(state)) {
        state = next;
        writeState(state);
      }
    };
    // A Service that moved (a chart put it in another namespace) is in the state file as soon as its proxy is:
    // `rbx lab env` right after the upgrade gives the new URL, not the closed one.
    s.proxies.watch(() => {
      if (!stopping) refresh();
    });
    faults = await serveFaults(dir, stack, refresh, log);
    log(`lab ready: ${stack.apiUrl}`);
    send({ type: "ready", state });
    // Keep the state current as Services and pods come and go (a runbook upgrades, rolls back...).
    setInterval(() => {
      if (!stopping) refresh();
    }, 2000);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`lab failed to start: ${message}`);
    send({ type: "failed", error: message });
    await shutdown(1);
  }
}

await main();
