// kubectl.logs: the tail of a pod's, a selector's or a job's pods' logs.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { type KubeCommonArgs, kubeCommonFields } from "./fields.js";
import { kubeClients, planNamespace } from "./kube-client.js";
import { kubeError } from "./kube-errors.js";
import { joinLogs, type LogEntry, logEntryType, podLogs, podsBySelector } from "./pod-logs.js";
import { untilAborted } from "./poll.js";

/** Arguments of kubectl.logs: exactly one of pod, job, selector. */
export interface LogsArgs extends KubeCommonArgs {
  pod?: string;
  job?: string;
  selector?: string;
  container?: string;
  tail?: number;
  previous?: boolean;
}

/** Output of kubectl.logs. */
export interface LogsOutput {
  logs: LogEntry[];
  text: string;
}

function source(args: LogsArgs): string {
  return args.pod ? `pod/${args.pod}` : args.job ? `job/${args.job}` : `-l ${args.selector}`;
}

/** Capture recent logs, e.g. to check for startup errors after an upgrade. */
export const kubectlLogs = defineAction<LogsArgs, LogsOutput>({
  name: "kubectl.logs",
  effect: "read",
  summary: "The last lines of logs of a pod, of a job's pods, or of the pods matching a label selector.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    oneOf: [
      { required: ["pod"], properties: { pod: { type: "string" } } },
      { required: ["job"], properties: { job: { type: "string" } } },
      { required: ["selector"], properties: { selector: { type: "string" } } },
    ],
    properties: {
      pod: { type: "string", examples: ["kryton-7d9f8b6c5-x2x9q"], description: "A pod name." },
      job: { type: "string", examples: ["kryton-migrate"], description: "A Job name: logs of its pods." },
      selector: {
        type: "string",
        examples: ["app.kubernetes.io/instance=alexandria-ee"],
        description: "A label selector, e.g. app.kubernetes.io/instance=alexandria-ee.",
      },
      container: {
        type: "string",
        examples: ["api"],
        description: "One container (default: every container).",
      },
      tail: {
        type: "integer",
        minimum: 1,
        maximum: 10000,
        default: 100,
        examples: [200],
        description: "Lines per container (default 100).",
      },
      previous: {
        type: "boolean",
        default: false,
        description: "The previous (crashed) container instance's logs.",
      },
      ...kubeCommonFields,
    },
  },
  output: T.object("kubectl.logs.output", { logs: T.list(logEntryType), text: T.string }),
  plan(args, ctx) {
    const flags = [
      `--tail=${args.tail ?? 100}`,
      args.container ? `-c ${args.container}` : "--all-containers",
      args.previous ? "--previous" : "",
    ];
    return [
      {
        kind: "command",
        text: `kubectl logs ${source(args)} -n ${planNamespace(ctx, args)} ${flags.filter(Boolean).join(" ")}  # via the Kubernetes API`,
      },
    ];
  },
  async run(ctx, args) {
    const c = await kubeClients(ctx, args);
    const d = deadline(ctx.signal, 60_000);
    try {
      const pods = await untilAborted(
        (async () => {
          if (args.pod) {
            try {
              return [await c.core.readNamespacedPod({ name: args.pod, namespace: c.namespace })];
            } catch (error) {
              throw kubeError(error, `pod ${c.namespace}/${args.pod}`);
            }
          }
          return podsBySelector(c, args.job ? `job-name=${args.job}` : (args.selector ?? ""));
        })(),
        d,
        "kubectl.logs",
      );
      if (pods.length === 0)
        throw new ActionError("no-pods", `No pods for ${source(args)} in ${c.namespace}`);
      const logs = await untilAborted(
        podLogs(
          c,
          pods,
          { container: args.container, tail: args.tail ?? 100, previous: args.previous },
          ctx.redactor,
        ),
        d,
        "kubectl.logs",
      );
      return { logs, text: joinLogs(logs) };
    } finally {
      d.clear();
    }
  },
});
