import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REASON_PLACEHOLDER, suppressionComment } from "../../src/lint/suppressions.js";
import { brief, lintRulesOnly } from "./lint-helpers.js";
import { doc, TAIL } from "./rule-tester.js";

// Two params nobody reads: lines 7 and 8 of each document (after the comment lines they follow).
describe("suppression comments", () => {
  it("a next-line suppression with a reason hides exactly that finding", () => {
    const text = doc(`params:
  # rbx-disable-next-line unused-param -- read by the wrapper script, not by steps
  a: { type: string, default: x }
  b: { type: string, default: y }
${TAIL}`);
    expect(brief(lintRulesOnly(text))).toEqual(["9:3 unused-param"]);
  });

  it("above `- id:` covers the whole step, where rules report at its action (the example of the docs)", () => {
    const page = readFileSync(
      join(import.meta.dirname, "../../docs/rules/suppression-reason-required.md"),
      "utf8",
    );
    const comment = /## Good\n\n```yaml\n(# rbx-disable-next-line[^\n]*)\n/.exec(page)?.[1] as string;
    expect(comment).toBe(
      "# rbx-disable-next-line upgrade-without-backup -- stateless service, nothing to snapshot",
    );
    const steps = (first: string) =>
      doc(`connections:
  db: { kind: postgres, url: "postgres://app@db/app" }
phases:
  - id: upgrade
    steps:
${first}      - id: upgrade
        action: helm.upgrade
        with: { release: kryton, chart: oci://r.example/kryton, version: 3.2.0, wait: true, timeout: 15m }
      - id: web
        action: helm.upgrade
        with: { release: web, chart: oci://r.example/web, version: 1.0.0, wait: true, timeout: 15m }
`);
    const backup = (ds: string[]) => ds.filter((d) => d.endsWith("upgrade-without-backup"));
    expect(backup(brief(lintRulesOnly(steps(""))))).toEqual([
      "12:17 upgrade-without-backup",
      "15:17 upgrade-without-backup",
    ]);
    // The comment covers the step it stands above (and is used), not the next one.
    const suppressed = brief(lintRulesOnly(steps(`${comment}\n`)));
    expect(backup(suppressed)).toEqual(["16:17 upgrade-without-backup"]);
    expect(suppressed.filter((d) => d.includes("suppression"))).toEqual([]);
  });

  it("skips blank and comment lines to reach the next line of content", () => {
    const text = doc(`params:
  # rbx-disable-next-line unused-param -- kept for the next release

  # (b is documented elsewhere)
  a: { type: string, default: x }
${TAIL}`);
    expect(brief(lintRulesOnly(text))).toEqual([]);
  });

  it("a suppression without a reason still applies but is an error at the comment", () => {
    const text = doc(`params:
  # rbx-disable-next-line unused-param
  a: { type: string, default: x }
${TAIL}`);
    const found = lintRulesOnly(text);
    expect(brief(found)).toEqual(["7:3 suppression-reason-required"]);
    expect(found[0]?.severity).toBe("error");
    expect(found[0]?.message).toContain("needs a reason");
  });

  it("the quick fix's reason placeholder, left as it is, counts as no reason", () => {
    const text = doc(`params:
  ${suppressionComment("disable-next-line", ["unused-param"])}
  a: { type: string, default: x }
${TAIL}`);
    const found = lintRulesOnly(text);
    expect(brief(found)).toEqual(["7:3 suppression-reason-required"]);
    expect(found[0]?.message).toContain(`replace ${REASON_PLACEHOLDER}`);
  });

  it("a disable … enable block covers the lines between", () => {
    const text = doc(`params:
  # rbx-disable unused-param -- legacy params, removed in 2.0
  a: { type: string, default: x }
  b: { type: string, default: y }
  # rbx-enable unused-param
  c: { type: string, default: z }
${TAIL}`);
    expect(brief(lintRulesOnly(text))).toEqual(["11:3 unused-param"]);
  });

  it("an unclosed disable runs to the end of the file", () => {
    const text = doc(`params:
  # rbx-disable unused-param, unused-check -- generated file
  a: { type: string, default: x }
${TAIL}`);
    // unused-check suppressed nothing: reported at the comment.
    const found = lintRulesOnly(text);
    expect(brief(found)).toEqual(["7:3 unused-suppression"]);
    expect(found[0]?.message).toContain("rbx-disable of unused-check suppresses nothing");
  });

  it("reports unused suppressions and malformed directives", () => {
    const text = doc(`params:
  # rbx-disable-next-line secret-literal -- nothing secret here
  a: { type: string, default: x }
  # rbx-enable unused-param
  # rbx-disable-next-line -- forgot the rule
${TAIL}`);
    expect(brief(lintRulesOnly(text))).toEqual([
      "7:3 unused-suppression",
      "8:3 unused-param",
      "9:3 invalid-suppression",
      "10:3 invalid-suppression",
    ]);
  });

  it("ignores directive-looking text inside strings and block scalars", () => {
    const text = doc(`params:
  a:
    type: string
    description: |
      # rbx-disable-next-line unused-param -- this is text, not a comment
    default: "# rbx-disable unused-param -- also text"
${TAIL}`);
    expect(brief(lintRulesOnly(text))).toEqual(["7:3 unused-param"]);
  });

  it("the suppression codes follow the config like rules", () => {
    const text = doc(`params:
  # rbx-disable-next-line unused-param
  a: { type: string, default: x }
${TAIL}`);
    const config = { rules: new Map([["suppression-reason-required", { level: "off" as const }]]) };
    expect(brief(lintRulesOnly(text, config))).toEqual([]);
  });
});
