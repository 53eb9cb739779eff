// Which executor runs a fleet's targets: child processes here, or one Kubernetes Job per target.
import { builtinCatalog } from "../../../builtins/index.js";
import type { ExecutorName, FleetExecutor } from "../../../fleet/executor.js";
import type { RunStore } from "../../../run/store/run-store.js";
import type { CliIO } from "../../io.js";
import { currentUser } from "../../operator.js";

export async function executorFor(
  name: ExecutorName,
  io: CliIO,
  runs: RunStore | undefined,
  k8s: { namespace?: string; image?: string; kubeconfig?: string; context?: string },
  snapshotsDir = "",
): Promise<FleetExecutor | string> {
  if (name === "local") {
    const { LocalExecutor } = await import("../../../fleet/local-executor.js");
    return new LocalExecutor(io.env);
  }
  if (!k8s.namespace)
    return "--executor kubernetes needs --job-namespace NS: where each target's Job is created";
  if (!runs) return "--executor kubernetes needs the run store";
  const { connectKube } = await import("../../../kube-jobs/kube-api.js");
  const { KubernetesExecutor } = await import("../../../fleet/kubernetes-executor.js");
  const { rbxPackage } = await import("../../../package-root.js");
  let kube: Awaited<ReturnType<typeof connectKube>>;
  try {
    kube = await connectKube(
      {
        ...(k8s.kubeconfig ? { kubeconfig: k8s.kubeconfig } : {}),
        ...(k8s.context ? { context: k8s.context } : {}),
      },
      io.env,
    );
  } catch (err) {
    return `--executor kubernetes: ${(err as Error).message}`;
  }
  return new KubernetesExecutor({
    kube,
    store: runs,
    catalog: builtinCatalog,
    namespace: k8s.namespace,
    image: k8s.image ?? `rbx:${rbxPackage().version}`,
    snapshotsDir,
    user: currentUser(io.env),
    cwd: io.cwd,
    env: io.env,
  });
}
