import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findConfigFile, loadConfig } from "../../src/lint/config.js";
import { brief, lintRulesOnly } from "./lint-helpers.js";
import { doc, TAIL } from "./rule-tester.js";

const dir = mkdtempSync(join(tmpdir(), "rbx-lint-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const twoParams = doc(`params:
  a: { type: string, default: x }
${TAIL}`);

describe(".rbx.yaml", () => {
  it("is found in the file's directory or the nearest parent", () => {
    const path = configFile("proj/.rbx.yaml", "lint:\n  rules: {}\n");
    mkdirSync(join(dir, "proj/runbooks/deep"), { recursive: true });
    expect(findConfigFile(join(dir, "proj/runbooks/deep"))).toBe(path);
  });

  it("sets severities and turns rules off", async () => {
    const path = configFile(
      "sev.yaml",
      "lint:\n  rules:\n    unused-param: error\n    approval-without-timeout: off\n",
    );
    const { config, diagnostics } = await loadConfig(path);
    expect(diagnostics).toEqual([]);
    const found = lintRulesOnly(twoParams, config);
    expect(brief(found)).toEqual(["7:3 unused-param"]);
    expect(found[0]?.severity).toBe("error");
    const off = await loadConfig(configFile("off.yaml", "lint:\n  rules:\n    unused-param: off\n"));
    expect(lintRulesOnly(twoParams, off.config)).toEqual([]);
  });

  it("passes validated options to the rule", async () => {
    const path = configFile(
      "opts.yaml",
      "lint:\n  rules:\n    floating-image-tag:\n      severity: warning\n      options: { floatingTags: [latest, edge] }\n",
    );
    const { config, diagnostics } = await loadConfig(path);
    expect(diagnostics).toEqual([]);
    const text = doc(`phases:
  - id: p
    steps:
      - id: up
        action: helm.upgrade
        with: { release: r, chart: ./c, set: { image.tag: edge }, wait: true, timeout: 5m }
`);
    const found = lintRulesOnly(text, config).filter((d) => d.code === "floating-image-tag");
    expect(found.map((d) => [d.span.start.line, d.span.start.column, d.severity])).toEqual([
      [11, 59, "warning"],
    ]);
  });

  it("reports unknown rules, bad severities and bad options at their lines", async () => {
    const path = configFile(
      "bad.yaml",
      [
        "lint:",
        "  rules:",
        "    unused-parm: error",
        "    unused-check: loud",
        "    floating-image-tag:",
        "      options: { floatingTags: latest }",
        "    retry-without-timeout:",
        "      options: { x: 1 }",
        "  color: true",
        "",
      ].join("\n"),
    );
    const { diagnostics } = await loadConfig(path);
    expect(
      diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.message.split(";")[0]}`),
    ).toEqual([
      "9:3 unknown key `lint.color`",
      "3:5 unknown rule `unused-parm`",
      "4:19 setting of unused-check must be off, info, warning, error or { severity, options }",
      "6:16 options of floating-image-tag are invalid: /floatingTags must be array",
      "8:16 rule retry-without-timeout takes no options",
    ]);
    expect(diagnostics.every((d) => d.code === "invalid-config" && d.severity === "error")).toBe(true);
  });

  it("reports a YAML syntax error once, as a problem of the config, with the runbook's hint", async () => {
    const { diagnostics } = await loadConfig(configFile("syntax.yaml", "lint:\n  rules: [unclosed\n"));
    expect(diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column])).toEqual([
      ["invalid-config", 2, 10],
    ]);
    expect(diagnostics[0]?.message).toContain("this `[` is never closed");
  });
});
