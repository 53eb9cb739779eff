// helm.status: the release's current revision, status and description (no manifests: they may hold secrets).
import { T } from "../../check/types.js";
import { defineAction } from "../../runtime/action.js";
import { deadline } from "../shared/deadline.js";
import { type HelmCommonArgs, helmCommonFields, releaseField } from "./fields.js";
import { commandText, helmInvocation, parseJson, runHelm } from "./helm-cli.js";

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
  input: {
    type: "object",
    additionalProperties: false,
    required: ["release"],
    properties: {
      release: releaseField,
      revision: { type: "integer", minimum: 1, description: "A specific revision (default: the newest)." },
      ...helmCommonFields,
    },
  },
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
    const inv = helmInvocation(ctx, process.env, args);
    return [
      {
        kind: "command",
        text: ctx.redactor.redact(commandText(inv.bin, [...statusArgv(args), ...inv.globals])),
      },
    ];
  },
  async run(ctx, args) {
    const inv = helmInvocation(ctx, ctx.env, args);
    const d = deadline(ctx.signal, 120_000);
    try {
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
    } finally {
      d.clear();
    }
  },
});
