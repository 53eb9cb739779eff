// helm.status: the release's current revision, status and description (no manifests: they may hold secrets).

import { defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import { type HelmCommonArgs, releaseInput } from "./fields.js";
import { helmInvocation, helmPlan, parseJson, runHelm, withHelm } from "./helm-cli.js";

/** Arguments of helm.status. */
export interface HelmStatusArgs extends HelmCommonArgs {
  release: string;
  revision?: number;
}

/** Output of helm.status. */
export interface HelmStatusOutput {
  release: string;
  namespace: string;
  revision: number;
  status: string;
  description: string;
  firstDeployed: string;
  lastDeployed: string;
  notes: string;
}

interface StatusJson {
  name?: string;
  namespace?: string;
  version?: number;
  info?: {
    status?: string;
    description?: string;
    first_deployed?: string;
    last_deployed?: string;
    notes?: string;
  };
}

function statusArgv(args: HelmStatusArgs): string[] {
  return [
    "status",
    args.release,
    "--output",
    "json",
    ...(args.revision ? ["--revision", String(args.revision)] : []),
  ];
}

/** Where a release stands now. */
export const helmStatus = defineAction<HelmStatusArgs, HelmStatusOutput>({
  name: "helm.status",
  effect: "read",
  summary: "A release's revision, status, description and notes (helm status).",
  connectionKinds: ["kubernetes"],
  input: releaseInput({
    revision: {
      type: "integer",
      minimum: 1,
      examples: [3],
      description: "A specific revision (default: the newest).",
    },
  }),
  output: T.object("helm.status.output", {
    release: T.string,
    namespace: T.string,
    revision: T.int,
    status: T.string,
    description: T.string,
    firstDeployed: T.string,
    lastDeployed: T.string,
    notes: T.string,
  }),
  plan(args, ctx) {
    return helmPlan(ctx, helmInvocation(ctx, process.env, args), statusArgv(args));
  },
  run(ctx, args) {
    return withHelm(ctx, args, 120_000, async (inv, d) => {
      const s = parseJson<StatusJson>(await runHelm(ctx, d, inv, statusArgv(args)), "status");
      ctx.log.info(`${args.release}: revision ${s.version} ${s.info?.status}`);
      return {
        release: s.name ?? args.release,
        namespace: s.namespace ?? inv.namespace ?? "",
        revision: Number(s.version ?? 0),
        status: s.info?.status ?? "",
        description: s.info?.description ?? "",
        firstDeployed: s.info?.first_deployed ?? "",
        lastDeployed: s.info?.last_deployed ?? "",
        notes: ctx.redactor.redact(s.info?.notes ?? ""),
      };
    });
  },
});
