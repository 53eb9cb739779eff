// kubectl.patch: a merge patch (e.g. a custom resource's spec.version), then optionally wait for a status field.

import type { KubernetesObject } from "@kubernetes/client-node";
import { type ActionContext, defineAction, type ProbeResult } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { ActionError } from "../shared/action-error.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema, goDuration } from "../shared/duration-field.js";
import { type KubeCommonArgs, kubeCommonFields, pollIntervalField, pollMs } from "./fields.js";
import { resolveKind, valueAt } from "./kinds.js";
import { type KubeClients, kubeClients, planNamespace } from "./kube-client.js";
import { kubeError } from "./kube-errors.js";
import { answerWithin, pollUntil, unanswered, untilAborted } from "./poll.js";

/** Arguments of kubectl.patch. */
export interface PatchArgs extends KubeCommonArgs {
  kind: string;
  apiVersion?: string;
  name: string;
  patch: Record<string, JsonValue>;
  type?: "merge" | "strategic";
  waitFor?: { field: string; equals: JsonValue; timeout?: string | number; pollInterval?: string | number };
}

/** Output of kubectl.patch. */
export interface PatchOutput {
  resourceVersion: string;
  generation: number;
  observed: JsonValue;
  object: Record<string, JsonValue>;
}

const STRATEGY = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
} as const;

/** True when every field the merge patch sets already has that value in `obj` (null = absent). */
export function containsPatch(obj: unknown, patch: unknown): boolean {
  if (patch === null) return obj === undefined || obj === null;
  if (typeof patch !== "object" || Array.isArray(patch)) return JSON.stringify(obj) === JSON.stringify(patch);
  if (obj === null || typeof obj !== "object") return false;
  return Object.entries(patch).every(([k, v]) => containsPatch((obj as Record<string, unknown>)[k], v));
}

async function read(c: KubeClients, args: PatchArgs): Promise<KubernetesObject & Record<string, unknown>> {
  const { kind, apiVersion } = resolveKind(args.kind, args.apiVersion);
  try {
    return (await c.objects.read({
      apiVersion,
      kind,
      metadata: { name: args.name, namespace: c.namespace },
    })) as KubernetesObject & Record<string, unknown>;
  } catch (error) {
    throw kubeError(error, `${kind} ${c.namespace}/${args.name}`);
  }
}

async function patchAndWait(ctx: ActionContext, args: PatchArgs): Promise<PatchOutput> {
  const { kind, apiVersion } = resolveKind(args.kind, args.apiVersion);
  const c = await kubeClients(ctx, args);
  const wait = args.waitFor;
  const timeoutMs = durationOr(wait?.timeout, 600_000);
  const d = deadline(ctx.signal, 60_000);
  const what = `${kind} ${c.namespace}/${args.name}`;
  try {
    let patched: KubernetesObject;
    try {
      const spec = {
        ...args.patch,
        apiVersion,
        kind,
        metadata: { ...((args.patch.metadata as object) ?? {}), name: args.name, namespace: c.namespace },
      };
      patched = await untilAborted(
        c.objects.patch(spec, undefined, undefined, "rbx", undefined, STRATEGY[args.type ?? "merge"]),
        d,
        `patching ${what}`,
      );
    } catch (error) {
      throw kubeError(error, `patching ${what}`);
    }
    ctx.log.info(`patched ${what} (generation ${patched.metadata?.generation ?? "?"})`);
    let obj = patched as KubernetesObject & Record<string, unknown>;
    if (wait) {
      let seen: unknown;
      const want = JSON.stringify(wait.equals);
      const waiting = deadline(ctx.signal, timeoutMs);
      obj = await pollUntil(
        {
          d: waiting,
          intervalMs: pollMs(wait.pollInterval),
          what: `waiting for ${what} ${wait.field}`,
          target: "the Kubernetes API",
          log: ctx.log,
        },
        async () => {
          const current = await read(c, args);
          const value = valueAt(current, wait.field);
          if (JSON.stringify(value) !== JSON.stringify(seen))
            ctx.log.progress(`${wait.field} = ${JSON.stringify(value) ?? "unset"}, waiting for ${want}`);
          seen = value;
          return JSON.stringify(value) === want ? current : undefined;
        },
        async (reach) => {
          const gone = unanswered(reach, "the Kubernetes API");
          if (gone)
            return new ActionError(
              gone.code,
              `${what}: ${wait.field} is ${JSON.stringify(seen) ?? "unset"}, not ${want}, after ${goDuration(timeoutMs)}: ${gone.clause}`,
            );
          const conds = valueAt(
            await answerWithin(read(c, args), 5_000, "the Kubernetes API").catch(() => ({})),
            "status.conditions",
          );
          const detail = Array.isArray(conds)
            ? conds
                .map(
                  (x: { type?: string; status?: string; message?: string }) =>
                    `${x.type}=${x.status}${x.message ? ` (${x.message})` : ""}`,
                )
                .join("; ")
            : "";
          return new ActionError(
            "wait-timeout",
            `${what}: ${wait.field} is ${JSON.stringify(seen) ?? "unset"}, not ${want}, after ${goDuration(timeoutMs)}${detail ? `; conditions: ${detail}` : ""}`,
          );
        },
      ).finally(() => waiting.clear());
    }
    const plain = JSON.parse(JSON.stringify(obj)) as Record<string, JsonValue>;
    return {
      resourceVersion: obj.metadata?.resourceVersion ?? "",
      generation: obj.metadata?.generation ?? 0,
      observed: wait ? ((valueAt(obj, wait.field) as JsonValue | undefined) ?? null) : null,
      object: plain,
    };
  } finally {
    d.clear();
    c.close();
  }
}

/** Operator-style upgrades: set spec.version on the custom resource and wait for status.observedVersion. */
export const kubectlPatch = defineAction<PatchArgs, PatchOutput>({
  name: "kubectl.patch",
  effect: "write",
  summary:
    "Merge-patch an object (e.g. a custom resource's spec.version) and optionally wait until a status field matches.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["kind", "name", "patch"],
    properties: {
      kind: {
        type: "string",
        minLength: 1,
        examples: ["Kryton"],
        description: "Kind, e.g. Kryton or Deployment.",
      },
      apiVersion: {
        type: "string",
        examples: ["kryton.io/v1alpha1"],
        description: "Required for custom resources, e.g. kryton.io/v1alpha1.",
      },
      name: { type: "string", minLength: 1, examples: ["kryton"], description: "Object name." },
      patch: {
        type: "object",
        examples: [{ spec: { version: "${{ params.targetVersion }}" } }],
        description: 'The patch, e.g. { spec: { version: "4.6.4" } }.',
      },
      type: {
        type: "string",
        enum: ["merge", "strategic"],
        default: "merge",
        description: "merge (RFC 7386; custom resources) or strategic (built-in kinds only).",
      },
      waitFor: {
        type: "object",
        additionalProperties: false,
        required: ["field", "equals"],
        examples: [
          { field: "status.observedVersion", equals: "${{ params.targetVersion }}", timeout: "10m" },
        ],
        description:
          "Wait until a field reaches a value, e.g. { field: status.observedVersion, equals: 4.6.4 }.",
        properties: {
          field: {
            type: "string",
            minLength: 1,
            examples: ["status.observedVersion"],
            description: "Dotted path, e.g. status.observedVersion.",
          },
          equals: { examples: ["4.6.5"], description: "The value to wait for." },
          timeout: {
            ...durationSchema,
            examples: ["15m"],
            description: "Give up after this long (default 10m).",
          },
          pollInterval: pollIntervalField,
        },
      },
      ...kubeCommonFields,
    },
  },
  output: T.object("kubectl.patch.output", {
    resourceVersion: T.string,
    generation: T.int,
    observed: T.dyn,
    object: T.map(T.string, T.dyn),
  }),
  plan(args, ctx) {
    const lines = [
      `kubectl patch ${args.kind}/${args.name} -n ${planNamespace(ctx, args)} --type ${args.type ?? "merge"} -p '${JSON.stringify(args.patch)}'`,
    ];
    if (args.waitFor) {
      lines.push(
        `then wait until ${args.waitFor.field} == ${JSON.stringify(args.waitFor.equals)} (timeout ${goDuration(durationOr(args.waitFor.timeout, 600_000))})`,
      );
    }
    return [{ kind: "command", text: ctx.redactor.redact(lines.join("\n")) }];
  },
  run: patchAndWait,
  async before(ctx, args) {
    const c = await kubeClients(ctx, args);
    const obj = await read(c, args);
    return {
      resourceVersion: obj.metadata?.resourceVersion ?? "",
      alreadyPatched: containsPatch(obj, args.patch),
    };
  },
  async probe(ctx, args): Promise<ProbeResult> {
    const c = await kubeClients(ctx, args);
    const obj = await read(c, args);
    if (!containsPatch(obj, args.patch)) return { state: "not-done" };
    if (
      args.waitFor &&
      JSON.stringify(valueAt(obj, args.waitFor.field)) !== JSON.stringify(args.waitFor.equals)
    ) {
      return {
        state: "unknown",
        reason: `the patch is applied but ${args.waitFor.field} has not reached the value yet`,
      };
    }
    return { state: "done" };
  },
});
