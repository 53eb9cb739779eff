// kubectl.rolloutStatus: wait until a Deployment, StatefulSet or DaemonSet has rolled out, by kubectl's rules.
import type { V1Pod } from "@kubernetes/client-node";
import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema, goDuration } from "../shared/duration-field.js";
import { diagnosePods } from "./diagnose.js";
import { type KubeCommonArgs, kubeCommonFields, pollIntervalField, pollMs } from "./fields.js";
import { selectorString } from "./kinds.js";
import { type KubeClients, kubeClients, planNamespace } from "./kube-client.js";
import { kubeError } from "./kube-errors.js";
import { podProblems } from "./pod-reasons.js";
import { answerWithin, pollUntil, unanswered } from "./poll.js";
import { rolloutState, type Workload, type WorkloadKind } from "./rollout-state.js";

/** Arguments of kubectl.rolloutStatus. */
export interface RolloutStatusArgs extends KubeCommonArgs {
  kind?: "deployment" | "statefulset" | "daemonset";
  name: string;
  timeout?: string | number;
  pollInterval?: string | number;
}

/** Output of kubectl.rolloutStatus. */
export interface RolloutStatusOutput {
  kind: string;
  name: string;
  namespace: string;
  message: string;
  revision: string;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

/** How the waits name the target in progress lines and errors. */
const API = "the Kubernetes API";

const selectorOf = (w: Workload | undefined) =>
  (w as { spec?: { selector?: unknown } } | undefined)?.spec?.selector;

const KINDS: Record<string, WorkloadKind> = {
  deployment: "Deployment",
  statefulset: "StatefulSet",
  daemonset: "DaemonSet",
};

async function readWorkload(
  c: KubeClients,
  kind: WorkloadKind,
  name: string,
): Promise<Workload & { spec?: { selector?: unknown } }> {
  try {
    return (await c.objects.read({
      apiVersion: "apps/v1",
      kind,
      metadata: { name, namespace: c.namespace },
    })) as Workload;
  } catch (error) {
    throw kubeError(error, `${kind.toLowerCase()} ${c.namespace}/${name}`);
  }
}

// The failing pods' reasons, for the error of a rollout that did not finish (bounded: the API may be slow).
async function podsReport(c: KubeClients, selector: unknown): Promise<string> {
  const labelSelector = selectorString(selector);
  if (!labelSelector) return "";
  try {
    const pods = await answerWithin(
      c.core.listNamespacedPod({ namespace: c.namespace, labelSelector }),
      5_000,
      API,
    );
    const lines = podProblems(pods.items as V1Pod[]);
    return lines.length ? `\nPods not ready:\n  ${lines.join("\n  ")}` : "";
  } catch {
    return "";
  }
}

function outputOf(
  kind: WorkloadKind,
  name: string,
  ns: string,
  o: Workload,
  message: string,
): RolloutStatusOutput {
  const st = o.status ?? {};
  return {
    kind,
    name,
    namespace: ns,
    message,
    revision: o.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? st.updateRevision ?? "",
    replicas: st.replicas ?? st.desiredNumberScheduled ?? 0,
    updatedReplicas: st.updatedReplicas ?? st.updatedNumberScheduled ?? 0,
    readyReplicas: st.readyReplicas ?? st.numberReady ?? 0,
    availableReplicas: st.availableReplicas ?? st.numberAvailable ?? 0,
  };
}

async function waitRollout(ctx: ActionContext, args: RolloutStatusArgs): Promise<RolloutStatusOutput> {
  const kind = KINDS[args.kind ?? "deployment"] as WorkloadKind;
  const c = await kubeClients(ctx, args);
  const timeoutMs = durationOr(args.timeout, 600_000);
  const d = deadline(ctx.signal, timeoutMs);
  const what = `${kind.toLowerCase()} ${c.namespace}/${args.name}`;
  let last: Workload | undefined;
  let lastMessage = "";
  try {
    return await pollUntil(
      { d, intervalMs: pollMs(args.pollInterval), what: `rollout of ${what}`, target: API, log: ctx.log },
      async () => {
        last = await readWorkload(c, kind, args.name);
        const s = rolloutState(kind, last);
        if (s.message !== lastMessage) ctx.log.progress(s.message);
        lastMessage = s.message;
        if (s.state === "done") return outputOf(kind, args.name, c.namespace, last, s.message);
        if (s.state === "failed") {
          const progressing = last.status?.conditions?.find((x) => x.type === "Progressing")?.message;
          throw new ActionError(
            s.code,
            `${s.message}${progressing ? ` (${progressing})` : ""}${await podsReport(c, selectorOf(last))}`,
          );
        }
        return undefined;
      },
      async (reach) => {
        const within = `${what} did not roll out within ${goDuration(timeoutMs)}`;
        const gone = unanswered(reach, API);
        if (gone) {
          const seen = lastMessage ? `; last seen: ${lastMessage}` : "";
          return new ActionError(gone.code, `${within}: ${gone.clause}${seen}`);
        }
        return new ActionError(
          "rollout-timeout",
          `${within}: ${lastMessage || "never observed"}${await podsReport(c, selectorOf(last))}`,
        );
      },
    );
  } finally {
    d.clear();
    c.close();
  }
}

/** Wait for a rollout after helm upgrade, as `kubectl rollout status` would, and say which pods are stuck. */
export const kubectlRolloutStatus = defineAction<RolloutStatusArgs, RolloutStatusOutput>({
  name: "kubectl.rolloutStatus",
  effect: "read",
  summary:
    "Wait until a Deployment, StatefulSet or DaemonSet has rolled out (kubectl rollout status semantics).",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
      kind: {
        type: "string",
        enum: ["deployment", "statefulset", "daemonset"],
        default: "deployment",
        description: "Workload kind (default deployment).",
      },
      name: { type: "string", minLength: 1, examples: ["kryton"], description: "Workload name." },
      timeout: {
        ...durationSchema,
        examples: ["15m"],
        description: "Give up after this long (default 10m).",
      },
      pollInterval: pollIntervalField,
      ...kubeCommonFields,
    },
  },
  output: T.object("kubectl.rolloutStatus.output", {
    kind: T.string,
    name: T.string,
    namespace: T.string,
    message: T.string,
    revision: T.string,
    replicas: T.int,
    updatedReplicas: T.int,
    readyReplicas: T.int,
    availableReplicas: T.int,
  }),
  plan(args, ctx) {
    const ns = planNamespace(ctx, args);
    const timeout = goDuration(durationOr(args.timeout, 600_000));
    return [
      {
        kind: "command",
        text: `kubectl rollout status ${args.kind ?? "deployment"}/${args.name} -n ${ns} --timeout=${timeout}  # via the Kubernetes API`,
      },
    ];
  },
  run: waitRollout,
  async diagnose(ctx, args) {
    const kind = KINDS[args.kind ?? "deployment"] as WorkloadKind;
    let c: KubeClients | undefined;
    try {
      c = await kubeClients(ctx, args);
      const w = await answerWithin(readWorkload(c, kind, args.name), 5_000, API);
      const selector = selectorString(selectorOf(w));
      return selector ? diagnosePods(ctx, args, selector, `${kind.toLowerCase()} ${args.name}`) : undefined;
    } catch {
      return undefined;
    } finally {
      c?.close();
    }
  },
});
