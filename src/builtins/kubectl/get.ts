// kubectl.get: one object by name, or a list by label/field selector; Secret values never leave the action.

import type { KubernetesObject } from "@kubernetes/client-node";
import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { type KubeCommonArgs, kubeCommonFields } from "./fields.js";
import { resolveKind } from "./kinds.js";
import { kubeClients, planNamespace } from "./kube-client.js";
import { isNotFound, kubeError } from "./kube-errors.js";
import { answerWithin, REQUEST_TIMEOUT_MS, untilAborted } from "./poll.js";

const API = "the Kubernetes API";

/** Arguments of kubectl.get. */
export interface GetArgs extends KubeCommonArgs {
  kind: string;
  apiVersion?: string;
  name?: string;
  selector?: string;
  fieldSelector?: string;
  optional?: boolean;
}

/** Output of kubectl.get. */
export interface GetOutput {
  found: boolean;
  count: number;
  object: Record<string, JsonValue> | null;
  items: Record<string, JsonValue>[];
}

// Secrets are reported by key only: values are replaced so they cannot reach the journal.
function scrub(obj: KubernetesObject): Record<string, JsonValue> {
  const plain = JSON.parse(JSON.stringify(obj)) as Record<string, JsonValue>;
  if (obj.kind === "Secret") {
    for (const field of ["data", "stringData"]) {
      const values = plain[field];
      if (values && typeof values === "object" && !Array.isArray(values)) {
        plain[field] = Object.fromEntries(Object.keys(values).map((k) => [k, "***"]));
      }
    }
  }
  const meta = plain.metadata as Record<string, JsonValue> | undefined;
  if (meta?.managedFields) delete meta.managedFields;
  return plain;
}

/** Read cluster state for a guard or a baseline (pods healthy, a DSN secret present, a CR's status). */
export const kubectlGet = defineAction<GetArgs, GetOutput>({
  name: "kubectl.get",
  effect: "read",
  summary: "Read one object by name, or list objects by label/field selector (Secret values masked).",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["kind"],
    properties: {
      kind: {
        type: "string",
        minLength: 1,
        examples: ["Deployment"],
        description: "Kind, e.g. Deployment, pods, Secret, or a custom resource kind.",
      },
      apiVersion: {
        type: "string",
        examples: ["kryton.io/v1alpha1"],
        description: "Required for custom resources, e.g. kryton.io/v1alpha1.",
      },
      name: {
        type: "string",
        examples: ["kryton"],
        description: "One object by name (output.object); omit to list (output.items).",
      },
      selector: {
        type: "string",
        examples: ["app.kubernetes.io/instance=kryton"],
        description: "Label selector for a list, e.g. app.kubernetes.io/instance=x.",
      },
      fieldSelector: {
        type: "string",
        examples: ["status.phase=Running"],
        description: "Field selector for a list, e.g. status.phase=Running.",
      },
      optional: {
        type: "boolean",
        default: false,
        description: "A missing named object gives found=false instead of failing.",
      },
      ...kubeCommonFields,
    },
  },
  output: T.object("kubectl.get.output", {
    found: T.bool,
    count: T.int,
    object: T.map(T.string, T.dyn),
    items: T.list(T.map(T.string, T.dyn)),
  }),
  plan(args, ctx) {
    const target = args.name ? `${args.kind}/${args.name}` : args.kind;
    const sel = [
      args.selector && `-l '${args.selector}'`,
      args.fieldSelector && `--field-selector '${args.fieldSelector}'`,
    ];
    return [
      {
        kind: "command",
        text: ctx.redactor.redact(
          `kubectl get ${target} -n ${planNamespace(ctx, args)} ${sel.filter(Boolean).join(" ")} -o json  # via the Kubernetes API`.replace(
            / {2,}-o/,
            " -o",
          ),
        ),
      },
    ];
  },
  async run(ctx, args) {
    const { kind, apiVersion } = resolveKind(args.kind, args.apiVersion);
    const c = await kubeClients(ctx, args);
    const d = deadline(ctx.signal, 60_000);
    try {
      if (args.name) {
        try {
          const obj = await untilAborted(
            answerWithin(
              c.objects.read({ apiVersion, kind, metadata: { name: args.name, namespace: c.namespace } }),
              REQUEST_TIMEOUT_MS,
              API,
            ),
            d,
            "kubectl.get",
          );
          const plain = scrub(obj);
          return { found: true, count: 1, object: plain, items: [plain] };
        } catch (error) {
          if (isNotFound(error) && args.optional) return { found: false, count: 0, object: null, items: [] };
          if (error instanceof ActionError) throw error;
          throw kubeError(error, `${kind} ${c.namespace}/${args.name}`);
        }
      }
      try {
        const list = await untilAborted(
          answerWithin(
            c.objects.list(
              apiVersion,
              kind,
              c.namespace,
              undefined,
              undefined,
              undefined,
              args.fieldSelector,
              args.selector,
            ),
            REQUEST_TIMEOUT_MS,
            API,
          ),
          d,
          "kubectl.get",
        );
        const items = list.items.map(scrub);
        ctx.log.info(`${items.length} ${kind}(s) in ${c.namespace}`);
        return { found: items.length > 0, count: items.length, object: items[0] ?? null, items };
      } catch (error) {
        if (error instanceof ActionError) throw error;
        throw kubeError(error, `${kind} list in ${c.namespace}`);
      }
    } finally {
      d.clear();
      c.close();
    }
  },
});
