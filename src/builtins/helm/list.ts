// helm.list: releases in a namespace (or all), as typed rows.

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { type HelmCommonArgs, helmCommonFields } from "./fields.js";
import { helmInvocation, helmPlan, parseJson, runHelm, withHelm } from "./helm-cli.js";

/** Arguments of helm.list. */
export interface HelmListArgs extends HelmCommonArgs {
  allNamespaces?: boolean;
  filter?: string;
  all?: boolean;
  selector?: string;
}

/** One release. */
export interface ReleaseRow {
  name: string;
  namespace: string;
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

/** Output of helm.list. */
export interface HelmListOutput {
  rows: ReleaseRow[];
}

function listArgv(args: HelmListArgs): string[] {
  const argv = ["list", "--output", "json", "--max", "0"];
  if (args.allNamespaces) argv.push("--all-namespaces");
  if (args.all) argv.push("--all");
  if (args.filter) argv.push("--filter", args.filter);
  if (args.selector) argv.push("--selector", args.selector);
  return argv;
}

/** Confirm which revision a release is on after a rollback, or that a release exists at all. */
export const helmList = defineAction<HelmListArgs, HelmListOutput>({
  name: "helm.list",
  effect: "read",
  summary: "Releases in the namespace (or all namespaces) with revision, status, chart and app version.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    properties: {
      allNamespaces: { type: "boolean", default: false, description: "All namespaces (--all-namespaces)." },
      all: {
        type: "boolean",
        default: false,
        description: "Every status, including failed and pending (--all).",
      },
      filter: {
        type: "string",
        examples: ["^kryton"],
        description: "Regular expression on release names (--filter).",
      },
      selector: {
        type: "string",
        examples: ["owner=platform"],
        description: "Label selector on release metadata (--selector).",
      },
      ...helmCommonFields,
    },
  },
  output: T.object("helm.list.output", {
    rows: T.list(
      T.object("helm.release", {
        name: T.string,
        namespace: T.string,
        revision: T.int,
        updated: T.string,
        status: T.string,
        chart: T.string,
        app_version: T.string,
      }),
    ),
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    const globals = args.allNamespaces
      ? inv.globals.filter((g, i, all) => g !== "--namespace" && all[i - 1] !== "--namespace")
      : inv.globals;
    return helmPlan(ctx, { bin: inv.bin, globals }, listArgv(args));
  },
  run(ctx, args) {
    return withHelm(ctx, args, 120_000, async (inv, d) => {
      const rows =
        parseJson<Partial<Record<keyof ReleaseRow, unknown>>[] | null>(
          await runHelm(ctx, d, inv, listArgv(args)),
          "list",
        ) ?? [];
      return {
        rows: rows.map((r) => ({
          name: String(r.name ?? ""),
          namespace: String(r.namespace ?? ""),
          revision: Number(r.revision ?? 0),
          updated: String(r.updated ?? ""),
          status: String(r.status ?? ""),
          chart: String(r.chart ?? ""),
          app_version: String(r.app_version ?? ""),
        })),
      };
    });
  },
});
