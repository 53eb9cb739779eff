// The lab for the helm and kubectl tests: a stand-in API server, an isolated user, a kubernetes connection.
import { join } from "node:path";
import type { KubeStandInOptions } from "../../lab/kube/server.js";
import { type ToolPaths, toolPaths } from "../../lab/tool-binaries.js";
import { type KubeHarness, type KubeUserEnv, startKubeHarness } from "../support/kube-harness.js";
import { connections, type TestContext, testContext } from "./context.js";

/** Charts and values files of the built-in tests. */
export const fixtures = join(import.meta.dirname, "..", "fixtures-builtins");

/** A running lab plus the way to build contexts for one helm binary. */
export interface KubeLab {
  harness: KubeHarness;
  tools: ToolPaths;
  env: KubeUserEnv;
  /** A context whose `cluster` connection uses `helm` (a path) and `namespace`. */
  ctx(helm?: string, extra?: Parameters<typeof testContext>[1], namespace?: string): TestContext;
  conns(helm?: string, namespace?: string): ReturnType<typeof connections>;
  stop(): Promise<void>;
}

/** Start the stand-in (with extra namespaces) and extract the real binaries. */
export async function startKubeLab(options: KubeStandInOptions = {}): Promise<KubeLab> {
  const tools = await toolPaths();
  const harness = await startKubeHarness({ namespaces: ["apps"], ...options });
  const env = await harness.user();
  const conns = (helm = tools.helm3, namespace = "apps") =>
    connections({
      cluster: ["kubernetes", { kubeconfig: harness.kubeconfig, namespace, helm, kubectl: tools.kubectl }],
    });
  return {
    harness,
    tools,
    env,
    conns,
    ctx: (helm, extra = {}, namespace) => testContext(conns(helm, namespace), { env, ...extra }),
    stop: () => harness.stop(),
  };
}
