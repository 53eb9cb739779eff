// checkRunbook over real loaded documents: each diagnostic code, and exact file positions for every scalar style.
import { describe, expect, it } from "vitest";
import { checkRunbook } from "../../src/check/check-runbook.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { loadRunbook } from "../../src/parser/load.js";

const head = `apiVersion: rbx/v1
kind: Runbook
metadata: { name: demo, version: 1.0.0, owners: [ops] }
params:
  baseUrl: { type: url, default: "http://127.0.0.1:1" }
  targetVersion: { type: semver }
  replicas: { type: int, default: 2 }
connections:
  api: { kind: http, baseUrl: "\${{ params.baseUrl }}" }
`;

/** Load a document (head + body) and check it; fails the test when loading itself reports errors. */
function check(body: string): { diags: Diagnostic[]; text: string } {
  const text = head + body;
  const loaded = loadRunbook("demo.rb.yaml", text);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  return { diags: checkRunbook(loaded.runbook!, loaded.source), text };
}

/** `line:col code` of each diagnostic, plus the text its span starts with. */
function where(r: { diags: Diagnostic[]; text: string }): string[] {
  return r.diags.map(
    (d) =>
      `${d.span.start.line}:${d.span.start.column} ${d.code} ${r.text.slice(d.span.start.offset, d.span.end.offset)}`,
  );
}

const phase = (steps: string) => `phases:\n  - id: main\n    steps:\n${steps}`;

describe("checkRunbook", () => {
  it("accepts a well-typed document", () => {
    const r = check(
      phase(`      - id: health
        action: http.check
        with: { connection: api, url: /healthz }
        expect:
          - that: output.status == 200 && params.targetVersion >= semver("4.0.0")
            message: "got \${{ output.status }}"
      - id: after
        action: http.check
        when: steps.health.output.ok && params.targetVersion.startsWith("4.")
        with: { connection: api, url: "/v/\${{ params.targetVersion }}", timeout: 5s }
`),
    );
    expect(where(r)).toEqual([]);
  });

  it("reports unknown names with suggestions, unknown fields, overloads, argument counts and type mismatches", () => {
    const r = check(
      phase(`      - id: health
        action: http.check
        with: { connection: api, url: /healthz }
        when: parms.baseUrl != ""
        guards:
          - that: params.replicas == "2"
          - that: size(params.replicas) > 0
          - that: params.baseUrl.startsWith("a", "b")
        expect:
          - that: output.statuz == 200
          - that: output.status
`),
    );
    const codes = r.diags.map((d) => d.code);
    expect(codes).toEqual([
      "unknown-identifier",
      "type-mismatch",
      "no-matching-overload",
      "wrong-argument-count",
      "unknown-field",
      "type-mismatch",
    ]);
    expect(r.diags[0]?.message).toContain("Did you mean 'params'?");
    expect(r.diags[0]?.message).toContain("Available: connections, env, params, steps");
    expect(r.diags[4]?.message).toContain("Did you mean 'status'?");
  });

  it("reports a step read before it can have run, and allows it in the phase's rollback", () => {
    const r = check(`phases:
  - id: first
    rollback:
      - action: http.check
        when: steps.late.output.ok
        with: { connection: api, url: /x }
    steps:
      - id: early
        action: http.check
        when: steps.late.output.ok
        with: { connection: api, url: /x }
      - id: late
        action: http.check
        with: { connection: api, url: "/\${{ steps.early.output.status }}" }
  - id: second
    steps:
      - id: last
        action: http.check
        with: { connection: api, url: /y }
guards:
  - that: steps.early.output.ok
`);
    expect(where(r).sort()).toEqual(["19:21 step-not-yet-run late", "30:17 step-not-yet-run early"]);
  });

  it("checks a whole-value template against the action's integer field", () => {
    const r = check(
      phase(`      - id: h
        action: helm.rollback
        with: { release: demo, revision: "\${{ params.baseUrl }}" }
`),
    );
    expect(r.diags.map((d) => d.code)).toEqual(["type-mismatch"]);
    expect(r.diags[0]?.message).toContain("'with.revision' takes integer");
  });
});

describe("positions of expression errors in each YAML scalar style", () => {
  /** Check a `when:` written in a given style; the expected column is found by searching the file's line. */
  const at = (when: string) =>
    where(
      check(
        phase(
          `      - id: s\n        action: http.check\n        with: { connection: api, url: /x }\n        when: ${when}\n`,
        ),
      ),
    );
  const line = 16;
  const col = (text: string, lineNo: number, needle: string) =>
    (text.split("\n")[lineNo - 1] ?? "").lastIndexOf(needle) + 1;
  const expectAt = (when: string, lineNo: number, code: string, needle: string) => {
    const r = check(
      phase(
        `      - id: s\n        action: http.check\n        with: { connection: api, url: /x }\n        when: ${when}\n`,
      ),
    );
    expect(col(r.text, lineNo, needle)).toBeGreaterThan(0);
    expect(where(r)).toEqual([`${lineNo}:${col(r.text, lineNo, needle)} ${code} ${needle}`]);
  };

  it("plain scalar", () => {
    expect(at("params.replicas > 1 && nope")).toEqual([`${line}:38 unknown-identifier nope`]);
  });
  it("single-quoted scalar ('' escapes shift columns)", () => {
    expectAt("'params.baseUrl == ''it'' && nope'", line, "unknown-identifier", "nope");
  });
  it('double-quoted scalar (\\" and \\t escapes shift columns)', () => {
    expectAt('"params.baseUrl == \\"\\tx\\" && nope"', line, "unknown-identifier", "nope");
  });
  it("literal block scalar", () => {
    expect(at("|\n          params.replicas > 1 &&\n            nope")).toEqual([
      `${line + 2}:13 unknown-identifier nope`,
    ]);
  });
  it("folded block scalar", () => {
    expect(at(">\n          params.replicas > 1 &&\n          nope")).toEqual([
      `${line + 2}:11 unknown-identifier nope`,
    ]);
  });
  it("plain multi-line scalar", () => {
    expect(at("params.replicas > 1 &&\n          nope")).toEqual([`${line + 1}:11 unknown-identifier nope`]);
  });
  it("a template part inside a double-quoted string", () => {
    const r = check(
      phase(
        `      - id: s\n        action: http.check\n        with: { connection: api, url: "/a/\\t/\${{ params.nope }}" }\n`,
      ),
    );
    expect(where(r)).toEqual([`15:${col(r.text, 15, "nope")} unknown-field nope`]);
  });
  it("a syntax error points at the end of the expression", () => {
    expect(at("params.replicas >")).toEqual([`${line}:32 expr-syntax `]);
  });
  it("a reserved word", () => {
    expectAt("params.replicas > 1 && if", line, "reserved-word", "if");
  });
});
