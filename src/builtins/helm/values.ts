// helm.values: the values a release was deployed with (user-supplied, or all computed ones).

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { type HelmCommonArgs, releaseInput } from "./fields.js";
import { helmInvocation, helmPlan, parseJson, runHelm, withHelm } from "./helm-cli.js";

/** Arguments of helm.values. */
export interface HelmValuesArgs extends HelmCommonArgs {
  release: string;
  all?: boolean;
  revision?: number;
}

/** Output of helm.values. */
export interface HelmValuesOutput {
  values: Record<string, JsonValue>;
}

function valuesArgv(args: HelmValuesArgs): string[] {
  const argv = ["get", "values", args.release, "--output", "json"];
  if (args.all) argv.push("--all");
  if (args.revision) argv.push("--revision", String(args.revision));
  return argv;
}

/** Read a value (e.g. the pinned image tag) before or after an upgrade. */
export const helmValues = defineAction<HelmValuesArgs, HelmValuesOutput>({
  name: "helm.values",
  effect: "read",
  summary: "The values of a release (helm get values): user-supplied, or all computed values with `all`.",
  connectionKinds: ["kubernetes"],
  input: releaseInput({
    all: {
      type: "boolean",
      default: false,
      description: "All computed values, chart defaults included (--all).",
    },
    revision: {
      type: "integer",
      minimum: 1,
      examples: [3],
      description: "A specific revision (default: the newest).",
    },
  }),
  output: T.object("helm.values.output", { values: T.map(T.string, T.dyn) }),
  plan(args, ctx) {
    return helmPlan(ctx, helmInvocation(ctx, process.env, args), valuesArgv(args));
  },
  run(ctx, args) {
    return withHelm(ctx, args, 120_000, async (inv, d) => {
      const values = parseJson<Record<string, JsonValue> | null>(
        await runHelm(ctx, d, inv, valuesArgv(args)),
        "get values",
      );
      return { values: values ?? {} };
    });
  },
});
