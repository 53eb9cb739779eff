// Test harness: a stand-in on loopback plus a kubeconfig and private HOME/cache dirs per user of kubectl and helm.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KubeStandIn, type KubeStandInOptions, startKubeStandIn } from "../../lab/kube/server.js";

/** Environment for running kubectl/helm as one isolated user. */
export interface KubeUserEnv {
  HOME: string;
  KUBECONFIG: string;
  KUBECACHEDIR: string;
  HELM_CACHE_HOME: string;
  HELM_CONFIG_HOME: string;
  HELM_DATA_HOME: string;
  PATH: string;
  [name: string]: string;
}

/** A running stand-in with its kubeconfig and a temp dir for users. */
export interface KubeHarness {
  standIn: KubeStandIn;
  url: string;
  /** kubeconfig pointing at the stand-in (context "lab", namespace "default"). */
  kubeconfig: string;
  /** The harness's temp directory (removed by stop()). */
  dir: string;
  /** A fresh user: own HOME and kubectl/helm cache and config dirs. */
  user(name?: string): Promise<KubeUserEnv>;
  /** Stop the stand-in (and its pods) and remove the temp directory. */
  stop(): Promise<void>;
}

/**
 * kubeconfig text for the stand-in: plain HTTP with insecure-skip-tls-verify (client-node needs it to accept
 * it), or HTTPS trusting `ca`. kubectl and helm send the token only over HTTPS.
 */
export function kubeconfigText(url: string, namespace = "default", ca?: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: lab",
    "  cluster:",
    `    server: ${url}`,
    ca
      ? `    certificate-authority-data: ${Buffer.from(ca).toString("base64")}`
      : "    insecure-skip-tls-verify: true",
    "users:",
    "- name: lab",
    "  user:",
    "    token: lab-token",
    "contexts:",
    "- name: lab",
    "  context:",
    "    cluster: lab",
    "    user: lab",
    `    namespace: ${namespace}`,
    "current-context: lab",
    "",
  ].join("\n");
}

let users = 0;

/** Start a stand-in on 127.0.0.1 port 0 and write its kubeconfig. */
export async function startKubeHarness(options: KubeStandInOptions = {}): Promise<KubeHarness> {
  const dir = await mkdtemp(join(tmpdir(), "rbx-kube-"));
  let standIn: KubeStandIn;
  try {
    standIn = await startKubeStandIn({ ...options, host: "127.0.0.1", port: 0 });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, kubeconfigText(standIn.url, "default", options.tls?.cert), { mode: 0o600 });
  return {
    standIn,
    url: standIn.url,
    kubeconfig,
    dir,
    async user(name = `user${++users}`) {
      const home = join(dir, name);
      const env: KubeUserEnv = {
        HOME: home,
        KUBECONFIG: kubeconfig,
        KUBECACHEDIR: join(home, ".kube", "cache"),
        HELM_CACHE_HOME: join(home, "helm", "cache"),
        HELM_CONFIG_HOME: join(home, "helm", "config"),
        HELM_DATA_HOME: join(home, "helm", "data"),
        PATH: process.env.PATH ?? "/usr/bin:/bin",
      };
      for (const d of [env.KUBECACHEDIR, env.HELM_CACHE_HOME, env.HELM_CONFIG_HOME, env.HELM_DATA_HOME]) {
        await mkdir(d, { recursive: true });
      }
      return env;
    },
    async stop() {
      try {
        await standIn.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
