// The whole lab in one process: PostgreSQL, the Kubernetes stand-in with real pod processes, Service proxies, markers.
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labCustomResources } from "./custom-resources.js";
import { type KubeStandIn, startKubeStandIn } from "./kube/server.js";
import { simulatedRuntime } from "./kube/sim-runtime.js";
import { selfSignedCert } from "./kube/tls.js";
import { type MarkerServer, startMarkerServer } from "./markers/server.js";
import { type PostgresServer, startPostgres } from "./postgres.js";
import { type ProductPodRuntime, type ProductRuntimeOptions, productRuntime } from "./product-pods.js";
import { chartsDir } from "./products/common/paths.js";
import { rbxPodRuntime } from "./rbx-pods.js";
import { kubeconfigYaml, labToolEnv, mustRunTool } from "./run-tool.js";
import type { ChartVersion, LabSample } from "./samples.js";
import { ServiceProxies } from "./service-proxy.js";
import { installStandIns } from "./stand-ins/install.js";
import { type LabTools, type ToolPaths, toolPaths } from "./tool-binaries.js";

/** Options of a lab stack. */
export interface LabStackOptions {
  /** Directory for the kubeconfig, tool homes, packaged charts and PostgreSQL data. */
  dir: string;
  runtime?: ProductRuntimeOptions;
  /** The helm and kubectl to use (`rbx lab` finds them with findLabTools); the pinned packaged ones if absent. */
  tools?: LabTools;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

/** A running lab stack; stop() ends every process it started. */
/** `LabStack` alone is the tests' stack, with the pinned packaged tools; `rbx lab` runs a `LabStack<LabTools>`. */
export interface LabStack<T extends LabTools = ToolPaths> {
  dir: string;
  kubeconfig: string;
  apiUrl: string;
  postgres: PostgresServer;
  standIn: KubeStandIn;
  runtime: ProductPodRuntime;
  proxies: ServiceProxies;
  /** The deploy-marker service (examples/deploy-marker's actions talk to it). */
  markers: MarkerServer;
  tools: T;
  /** Environment for helm/kubectl (KUBECONFIG, private HOME and HELM_* dirs). */
  toolEnv: Record<string, string>;
  /** Directory with helm (helm 3 when there is one, else helm 4), helm4 and kubectl links and the stand-ins (cosign, crane, docker), for PATH. */
  binDir: string;
  /** The public key the cosign stand-in verifies the lab's artefacts with. */
  cosignKey: string;
  stop(): Promise<void>;
}

function link(target: string, path: string): void {
  if (!existsSync(path)) symlinkSync(target, path);
}

/** Start PostgreSQL, the stand-in (product runtime, Kryton CR) and the Service proxies; nothing installed yet. */
export async function startLabStack(opts: LabStackOptions & { tools: LabTools }): Promise<LabStack<LabTools>>;
export async function startLabStack(opts: LabStackOptions): Promise<LabStack<ToolPaths>>;
export async function startLabStack(opts: LabStackOptions): Promise<LabStack<LabTools>> {
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.dir, { recursive: true });
  const tools = opts.tools ?? (await toolPaths());
  const binDir = join(opts.dir, "bin");
  mkdirSync(binDir, { recursive: true });
  const helm = tools.helm3 ?? tools.helm4;
  if (helm) link(helm, join(binDir, "helm"));
  if (tools.helm4) link(tools.helm4, join(binDir, "helm4"));
  link(tools.kubectl, join(binDir, "kubectl"));
  const { cosignKey } = installStandIns(opts.dir, binDir);
  // Not under opts.dir: as root the server runs as the `postgres` user, which may not traverse it.
  const postgres = await startPostgres();
  log(`postgres listening on 127.0.0.1:${postgres.port} (pid ${postgres.pid})`);
  // Pods of rbx's own image (`rbx:<version>`, a submitted run's Job) run this rbx; the rest as before.
  const kubeconfig = join(opts.dir, "kubeconfig");
  const rbxPods = rbxPodRuntime({
    dir: opts.dir,
    kubeconfig,
    binDir,
    fallback: opts.runtime?.fallback ?? simulatedRuntime(),
  });
  const runtime = productRuntime({ ...opts.runtime, fallback: rbxPods });
  let standIn: KubeStandIn | undefined;
  let proxies: ServiceProxies | undefined;
  let markers: MarkerServer | undefined;
  const stop = async () => {
    await markers?.stop();
    await proxies?.stop();
    await standIn?.stop();
    await runtime.close();
    await postgres.stop();
  };
  try {
    // The API requires the token the kubeconfig carries (over HTTPS: clients send tokens only over TLS), so a
    // rehearsal can hand out a wrong one.
    const token = randomBytes(16).toString("hex");
    const tls = await selfSignedCert();
    standIn = await startKubeStandIn({ runtime, customResources: [...labCustomResources], token, tls });
    log(`kubernetes stand-in listening on ${standIn.url}`);
    writeFileSync(kubeconfig, kubeconfigYaml(standIn.url, "default", token, tls.cert), { mode: 0o600 });
    writeFileSync(join(opts.dir, "ca.crt"), tls.cert, { mode: 0o644 });
    proxies = new ServiceProxies({
      apiUrl: standIn.url,
      access: { token, ca: tls.cert },
      endpoints: runtime,
    });
    await proxies.start();
    markers = await startMarkerServer();
    log(`deploy-marker service listening on ${markers.url}`);
    const toolEnv = labToolEnv(opts.dir, kubeconfig);
    toolEnv.PATH = `${binDir}:${toolEnv.PATH}`;
    return {
      dir: opts.dir,
      kubeconfig,
      apiUrl: standIn.url,
      postgres,
      standIn,
      runtime,
      proxies,
      markers,
      tools,
      toolEnv,
      binDir,
      cosignKey,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The helm of `major` in a stack (any helm packages charts), or an error naming the one that is missing. */
export function labHelm(stack: LabStack<LabTools>, major?: "3" | "4"): string {
  const helm =
    major === "4"
      ? stack.tools.helm4
      : major === "3"
        ? stack.tools.helm3
        : (stack.tools.helm3 ?? stack.tools.helm4);
  if (helm === undefined) throw new Error(`the lab found no helm${major ? ` ${major}` : ""}`);
  return helm;
}

// A copy of the chart whose vendored subcharts (and the parent's dependency pins) carry this version's versions.
function chartWithSubcharts(chartDir: string, subcharts: Record<string, string>): string {
  const copy = mkdtempSync(join(tmpdir(), "rbx-lab-chart-"));
  cpSync(chartDir, copy, { recursive: true });
  const parent = join(copy, "Chart.yaml");
  let text = readFileSync(parent, "utf8");
  for (const [name, version] of Object.entries(subcharts)) {
    const sub = join(copy, "charts", name, "Chart.yaml");
    writeFileSync(sub, readFileSync(sub, "utf8").replace(/^version: .*$/m, `version: ${version}`));
    text = text.replace(new RegExp(`(- name: ${name}\\n\\s+version: ).*`), `$1${version}`);
  }
  writeFileSync(parent, text);
  return copy;
}

/** Package a sample's chart at one version into `<dir>/charts/<chart>-<version>.tgz`; returns the path. */
export async function packageChart(
  stack: LabStack<LabTools>,
  sample: LabSample,
  v: ChartVersion,
): Promise<string> {
  const out = join(stack.dir, "charts");
  mkdirSync(out, { recursive: true });
  const source = v.subcharts
    ? chartWithSubcharts(join(chartsDir, sample.chart), v.subcharts)
    : join(chartsDir, sample.chart);
  try {
    const args = ["package", source, "--version", v.chart, "--app-version", v.app, "-d", out];
    await mustRunTool(labHelm(stack), args, stack.toolEnv);
  } finally {
    if (source !== join(chartsDir, sample.chart)) rmSync(source, { recursive: true, force: true });
  }
  return join(out, `${sample.chart}-${v.chart}.tgz`);
}

/** Create a sample's namespace, databases and Secrets (kubectl apply on stdin, never argv); returns the Secrets. */
export async function prepareSample(
  stack: LabStack<LabTools>,
  sample: LabSample,
): Promise<Record<string, Record<string, string>>> {
  for (const db of sample.databases) await stack.postgres.createDatabase(db);
  const created = sample.secrets(stack.postgres);
  const secrets = Object.entries(created).map(([name, data]) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: sample.namespace },
    type: "Opaque",
    stringData: data,
  }));
  const docs = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: sample.namespace } }, ...secrets];
  const stream = docs.map((d) => JSON.stringify(d)).join("\n---\n");
  await mustRunTool(stack.tools.kubectl, ["apply", "-f", "-"], stack.toolEnv, stream);
  return created;
}

/** Install (or upgrade to) a packaged chart with the given helm, then wait for the sample's Deployments. */
export async function installSample(
  stack: LabStack<LabTools>,
  sample: LabSample,
  chartPath: string,
  helm: string,
): Promise<void> {
  const args = ["upgrade", "--install", sample.release, chartPath, "-n", sample.namespace, "--timeout", "5m"];
  for (const [k, v] of Object.entries(sample.installSet?.(stack.dir) ?? {})) args.push("--set", `${k}=${v}`);
  await mustRunTool(helm, sample.hooksMigrate ? args : [...args, "--wait"], stack.toolEnv);
  for (const d of sample.deployments) {
    await mustRunTool(
      stack.tools.kubectl,
      ["rollout", "status", `deployment/${d}`, "-n", sample.namespace, "--timeout=180s"],
      stack.toolEnv,
    );
  }
}
