// `latest`, an empty tag or an unpinned chart version deploys whatever was pushed last, not what was reviewed.
import type { StringValue, ValueNode } from "../../parser/ast.js";
import { stepLabel, withEntry } from "../context.js";
import { runsAction } from "../effects.js";
import { defineRule } from "../rule.js";
import type { ValueSite } from "../visitor.js";

interface Options {
  /** Tags that name a moving target (compared case-insensitively). */
  floatingTags: string[];
}

const isLocalChart = (v: ValueNode | undefined) =>
  v?.kind === "string" && !v.template && /^(\.{0,2}\/|file:)/.test(v.value);

function lastSegment(path: readonly string[]): string {
  const key = path[path.length - 1] ?? "";
  return (key.split(".").pop() ?? key).toLowerCase();
}

/** Image tags and chart versions that float: a floating tag, empty, missing, or a param defaulting to one. */
export const floatingImageTag = defineRule<Options>({
  meta: {
    id: "floating-image-tag",
    docs: {
      description:
        "Image tags and chart versions must be pinned: not `latest`, not empty, not a param whose default is such.",
      severity: "error",
    },
    messages: {
      floating: "{{what}} is {{value}}, which moves under you; pin an exact version",
      paramDefault:
        "{{what}} comes from params.{{param}}, whose default is {{value}}; give the param a pinned default or no default",
      untaggedImage: "image {{value}} has no tag or digest, so it pulls `latest`; pin a tag or a digest",
      noChartVersion:
        "helm.upgrade in step {{step}} has no chart `version`, so it installs the newest chart; pin `version:`",
    },
    options: {
      schema: {
        type: "object",
        additionalProperties: false,
        properties: { floatingTags: { type: "array", items: { type: "string" } } },
      },
      defaults: { floatingTags: ["latest"] },
    },
  },
  create(ctx) {
    const floating = new Set(ctx.options.floatingTags.map((t) => t.toLowerCase()));
    const isFloating = (tag: string) => tag.trim() === "" || floating.has(tag.trim().toLowerCase());
    const show = (tag: string) => (tag.trim() === "" ? "empty" : `"${tag}"`);

    /** Report a tag-like value: a literal, or a template reading a param with a floating default. */
    const checkTag = (value: ValueNode, what: string) => {
      if (value.kind === "null")
        return ctx.report({ messageId: "floating", span: value.span, data: { what, value: "empty" } });
      if (value.kind !== "string") return;
      if (!value.template) {
        if (isFloating(value.value))
          ctx.report({ messageId: "floating", span: value.span, data: { what, value: show(value.value) } });
        return;
      }
      checkParamDefaults(value, what, isFloating);
    };
    const checkParamDefaults = (value: StringValue, what: string, bad: (text: string) => boolean) => {
      for (const ref of ctx.index.info(value.source, true).references) {
        if (ref.root !== "params" || !ref.path[0] || ref.path.length > 1) continue;
        const d = ctx.index.param(ref.path[0])?.default;
        if (d?.kind === "string" && !d.template && bad(d.value)) {
          ctx.report({
            messageId: "paramDefault",
            span: ctx.textSpan(value.source, ref.start, ref.end),
            data: { what, param: ref.path[0], value: show(d.value) },
            related: [{ span: d.span, message: "the default is set here" }],
          });
        }
      }
    };
    /** `repo/name:tag@digest` → the tag ('' when absent), or undefined when pinned by digest. */
    const imageTag = (ref: string): string | undefined => {
      if (ref.includes("@")) return undefined;
      const name = ref.slice(ref.lastIndexOf("/") + 1);
      const colon = name.lastIndexOf(":");
      return colon < 0 ? "" : name.slice(colon + 1);
    };
    const checkImage = (value: ValueNode) => {
      if (value.kind !== "string" || value.template || value.value.trim() === "") return;
      const tag = imageTag(value.value.trim());
      if (tag === undefined) return;
      if (tag === "")
        ctx.report({ messageId: "untaggedImage", span: value.span, data: { value: `"${value.value}"` } });
      else if (isFloating(tag))
        ctx.report({
          messageId: "floating",
          span: value.span,
          data: { what: "the image tag", value: show(tag) },
        });
    };

    return {
      step({ step }) {
        if (!runsAction(step, "helm.upgrade")) return;
        const version = withEntry(step, "version");
        if (version) checkTag(version.value, "the chart version");
        else if (!isLocalChart(withEntry(step, "chart")?.value) && step.action) {
          ctx.report({
            messageId: "noChartVersion",
            span: step.action.span,
            data: { step: stepLabel(step) },
          });
        }
      },
      value(site: ValueSite) {
        if (site.owner.kind !== "step" || site.path.length === 0) return;
        const seg = lastSegment(site.path);
        if (seg === "tag" || seg.endsWith("imagetag")) checkTag(site.value, "the image tag");
        else if (seg === "image") checkImage(site.value);
      },
    };
  },
});
