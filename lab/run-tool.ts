// Runs the real helm and kubectl for the lab with an isolated environment, optional stdin, no shell.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** The environment helm and kubectl get in a lab: its kubeconfig and private cache/config dirs under `dir`. */
export function labToolEnv(dir: string, kubeconfig: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(dir, "helm", "cache"),
    HELM_CONFIG_HOME: join(dir, "helm", "config"),
    HELM_DATA_HOME: join(dir, "helm", "data"),
  };
  for (const d of [env.HOME, env.HELM_CACHE_HOME, env.HELM_CONFIG_HOME, env.HELM_DATA_HOME])
    mkdirSync(d!, { recursive: true });
  return env;
}

/** Result of one tool run. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `bin args` (bounded by timeoutMs), feeding `input` on stdin; never throws for a non-zero exit. */
export function runTool(
  bin: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
  timeoutMs = 300_000,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** Like runTool, but throws with the tool's stderr when it fails. */
export async function mustRunTool(
  bin: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<string> {
  const r = await runTool(bin, args, env, input);
  if (r.code !== 0)
    throw new Error(`${bin.split("/").pop()} ${args[0] ?? ""} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * A kubeconfig for the stand-in on loopback: with `ca` (HTTPS) the cluster's CA, else plain HTTP with
 * insecure-skip-tls-verify (client-node needs it); the token is sent over HTTPS only (kubectl and helm).
 */
export function kubeconfigYaml(
  apiUrl: string,
  namespace = "default",
  token = "rbx-lab",
  ca?: string,
): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: rbx-lab",
    "    cluster:",
    `      server: ${apiUrl}`,
    ca
      ? `      certificate-authority-data: ${Buffer.from(ca).toString("base64")}`
      : "      insecure-skip-tls-verify: true",
    "users:",
    "  - name: rbx-lab",
    "    user:",
    `      token: ${token}`,
    "contexts:",
    "  - name: rbx-lab",
    "    context:",
    "      cluster: rbx-lab",
    "      user: rbx-lab",
    `      namespace: ${namespace}`,
    "current-context: rbx-lab",
    "",
  ].join("\n");
}
