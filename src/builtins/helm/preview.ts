// helm.preview: what a helm upgrade with these arguments would deploy (a client dry run), changing nothing.

import { type ActionContext, defineAction } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { JsonValue } from "../../contract/json.js";
import { durationOr } from "../shared/duration-field.js";
import { helmCommonFields, helmTimeoutField, releaseField } from "./fields.js";
import { helmInvocation, helmMajor, helmPlan, parseJson, runHelm, withHelm } from "./helm-cli.js";
import { helmMajorForPlan } from "./plan-major.js";
import {
  coalesceValues,
  type RenderedObject,
  renderedObjects,
  renderedObjectType,
} from "./rendered-objects.js";
import { type HelmUpgradeArgs, upgradeArgv } from "./upgrade-args.js";

/** Arguments of helm.preview: the fields of helm.upgrade that shape what is deployed. */
export type HelmPreviewArgs = Pick<
  HelmUpgradeArgs,
  | "release"
  | "chart"
  | "version"
  | "repo"
  | "install"
  | "values"
  | "set"
  | "setString"
  | "reuseValues"
  | "resetThenReuseValues"
  | "timeout"
  | "connection"
  | "namespace"
>;

/** A chart dependency as Chart.yaml declares it. */
interface Dependency {
  name: string;
  version: string;
  repository: string;
}

/** Output of helm.preview. */
export interface HelmPreviewOutput {
  release: string;
  namespace: string;
  /** The revision the upgrade would create. */
  revision: number;
  chart: { name: string; version: string; appVersion: string; dependencies: Dependency[] };
  /** The computed values: the chart's defaults with the supplied values over them, as helm coalesces them. */
  values: Record<string, JsonValue>;
  /** Every object, hooks included (hookEvents non-empty). */
  objects: RenderedObject[];
  /** Deployment name → namespace, for rollout steps. */
  deployments: Record<string, string>;
  /** Sorted unique images of every container and init container, hooks included. */
  images: string[];
}

interface DryRunJson {
  name?: string;
  namespace?: string;
  version?: number;
  manifest?: string;
  config?: JsonValue;
  hooks?: { manifest?: string }[];
  chart?: {
    metadata?: { name?: string; version?: string; appVersion?: string; dependencies?: Partial<Dependency>[] };
    values?: JsonValue;
  };
}

/** The dry run's argv: helm upgrade's own, without waits, plus a client-side dry run that hides Secrets. */
function previewArgv(args: HelmPreviewArgs, major: number): string[] {
  const argv = upgradeArgv({ ...args, wait: false, atomic: false }, major);
  return [...argv, "--dry-run=client", "--hide-secret"];
}

function preview(ctx: ActionContext, args: HelmPreviewArgs): Promise<HelmPreviewOutput> {
  return withHelm(ctx, args, durationOr(args.timeout, 300_000) + 120_000, async (inv, d) => {
    const major = await helmMajor(ctx, d, inv);
    const rel = parseJson<DryRunJson>(
      await runHelm(ctx, d, inv, previewArgv(args, major)),
      "upgrade --dry-run",
    );
    const namespace = rel.namespace ?? inv.namespace ?? "";
    const manifests = [rel.manifest ?? "", ...(rel.hooks ?? []).map((h) => h.manifest ?? "")];
    const objects = (await Promise.all(manifests.map((m) => renderedObjects(m, namespace)))).flat();
    const meta = rel.chart?.metadata ?? {};
    const values = coalesceValues(rel.chart?.values ?? {}, rel.config ?? {});
    const deployments = Object.fromEntries(
      objects.filter((o) => o.kind === "Deployment").map((o) => [o.name, o.namespace]),
    );
    const images = [...new Set(objects.flatMap((o) => o.images))].sort();
    ctx.log.info(
      `${args.release} would become revision ${rel.version ?? "?"}: ${meta.name ?? ""}-${meta.version ?? ""}, ` +
        `${objects.length} object(s), ${images.length} image(s)`,
    );
    return {
      release: rel.name ?? args.release,
      namespace,
      revision: Number(rel.version ?? 0),
      chart: {
        name: meta.name ?? "",
        version: meta.version ?? "",
        appVersion: meta.appVersion ?? "",
        dependencies: (meta.dependencies ?? []).map((dep) => ({
          name: dep.name ?? "",
          version: dep.version ?? "",
          repository: dep.repository ?? "",
        })),
      },
      values: (typeof values === "object" && values !== null && !Array.isArray(values)
        ? values
        : {}) as Record<string, JsonValue>,
      objects,
      deployments,
      images,
    };
  });
}

const upgradeFields = {
  release: releaseField,
  chart: {
    type: "string",
    minLength: 1,
    examples: ["oci://registry.example.com/charts/scrydon"],
    description: "oci://registry/path/chart, repo/chart (with `repo`), or a local chart directory or .tgz.",
  },
  version: { type: "string", examples: ["2.5.0"], description: "Chart version (--version)." },
  repo: {
    type: "string",
    examples: ["https://charts.example.com"],
    description: "Chart repository URL (--repo).",
  },
  install: {
    type: "boolean",
    default: false,
    description: "Preview an install when the release does not exist (--install).",
  },
  values: {
    type: "array",
    items: { type: "string" },
    examples: [["values.customer.yaml"]],
    description: "Values files, applied in this order (--values); later files win.",
  },
  set: {
    type: "object",
    additionalProperties: { type: ["string", "number", "boolean"] },
    examples: [{ "cortex.migration.repairTracking": true }],
    description: "Values by path (--set).",
  },
  setString: {
    type: "object",
    additionalProperties: { type: "string" },
    examples: [{ "image.tag": "${{ params.targetVersion }}" }],
    description: "Values forced to strings (--set-string).",
  },
  reuseValues: {
    type: "boolean",
    default: false,
    description: "Reuse the last release's values (--reuse-values).",
  },
  resetThenReuseValues: { type: "boolean", default: false, description: "--reset-then-reuse-values." },
  timeout: helmTimeoutField,
};

/** Render an upgrade without performing it: objects, images, computed values and chart metadata to assert on. */
export const helmPreview = defineAction<HelmPreviewArgs, HelmPreviewOutput>({
  name: "helm.preview",
  effect: "read",
  summary:
    "What a helm upgrade with these arguments would deploy (helm upgrade --dry-run=client): objects, images, values, chart.",
  connectionKinds: ["kubernetes"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["release", "chart"],
    properties: { ...upgradeFields, ...helmCommonFields },
  },
  output: T.object("helm.preview.output", {
    release: T.string,
    namespace: T.string,
    revision: T.int,
    chart: T.object("helm.previewChart", {
      name: T.string,
      version: T.string,
      appVersion: T.string,
      dependencies: T.list(
        T.object("helm.chartDependency", { name: T.string, version: T.string, repository: T.string }),
      ),
    }),
    values: T.map(T.string, T.dyn),
    objects: T.list(renderedObjectType),
    deployments: T.map(T.string, T.string),
    images: T.list(T.string),
  }),
  plan(args, ctx) {
    const inv = helmInvocation(ctx, process.env, args);
    return helmPlan(ctx, inv, previewArgv(args, helmMajorForPlan(inv.bin) ?? 3));
  },
  run: preview,
});
