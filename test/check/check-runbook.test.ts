// checkRunbook over real loaded documents: each diagnostic code, and exact file positions for every scalar style.

import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
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
  const loaded = loadRunbook("demo.rb.yaml", text, { catalog: builtinCatalog });
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  return { diags: checkRunbook(loaded.runbook!, builtinCatalog, loaded.source), text };
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

/** Load and check a whole document (no shared head); loading itself must report no error. */
function checkDoc(text: string): { diags: Diagnostic[]; text: string } {
  const loaded = loadRunbook("demo.rb.yaml", text, { catalog: builtinCatalog });
  expect(loaded.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return { diags: checkRunbook(loaded.runbook!, builtinCatalog, loaded.source), text };
}

const withParams = (params: string, steps = "") => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: demo, version: 1.0.0 }
params:
${params}phases:
  - id: main
    steps:
      - id: ping
        action: http.check
        with: { url: "http://127.0.0.1/healthz" }
${steps}`;

describe("param defaults written as templates", () => {
  it("accept expressions over other params that fit the param's type", () => {
    const r = checkDoc(
      withParams(`  targetVersion: { type: semver }
  chartVersion: { type: string, default: "\${{ string(params.targetVersion) }}" }
  pinned: { type: semver, default: "\${{ params.targetVersion }}" }
  pinnedText: { type: semver, default: "\${{ params.chartVersion }}" }
  wait: { type: duration, default: 2m }
  longer: { type: duration, default: "\${{ params.wait + duration('1m') }}" }
  replicas: { type: int, default: "\${{ size(params.chartVersion) }}" }
  mixed: { type: int, default: "1\${{ params.replicas }}" }
  enabled: { type: bool, default: "\${{ params.replicas > 2 }}" }
`),
    );
    expect(where(r)).toEqual([]);
  });

  it("report a result that cannot fit the param's type, at the expression", () => {
    const r = checkDoc(
      withParams(`  targetVersion: { type: semver }
  name: { type: string, default: demo }
  chartVersion: { type: semver, default: "\${{ size(params.name) }}" }
  replicas: { type: int, default: "\${{ params.name }}" }
  label: { type: string, default: "\${{ params.targetVersion }}" }
`),
    );
    expect(where(r)).toEqual([
      "7:43 type-mismatch ${{ size(params.name) }}",
      "8:36 type-mismatch ${{ params.name }}",
      "9:36 type-mismatch ${{ params.targetVersion }}",
    ]);
    expect(r.diags[0]?.message).toBe(
      'The default of param "chartVersion" (semver) must evaluate to semver or string, but this expression is int; convert it, e.g. string(...) or int(...)',
    );
  });

  it("may read only params, and no secret param", () => {
    const r = checkDoc(
      withParams(`  password: { type: secret, from: env.DB_PASSWORD }
  dsn: { type: string, default: "postgres://app:\${{ params.password }}@db/app" }
  fromEnv: { type: string, default: "\${{ env.HOME }}" }
  fromStep: { type: string, default: "\${{ steps.ping.output.text }}" }
`),
    );
    expect(where(r)).toEqual([
      "6:60 secret-in-default password",
      "7:42 unknown-identifier env",
      "8:43 unknown-identifier steps",
    ]);
    expect(r.diags[0]?.message).toContain('The default of param "dsn" reads the secret param "password"');
    expect(r.diags[1]?.message).toContain("Available: params");
  });
});

describe("durations written as templates", () => {
  const durations = (timeout: string) =>
    checkDoc(
      withParams(
        `  wait: { type: duration, default: 2m }
  minutes: { type: int, default: 3 }
`,
        `        timeout: "${timeout}"
        retry: { attempts: 2, every: "\${{ params.wait }}", maxEvery: "\${{ string(params.minutes) + 'm' }}" }
`,
      ),
    );

  it("accept a duration param, a duration expression or a string", () => {
    expect(where(durations("${{ params.wait }}"))).toEqual([]);
    expect(where(durations("${{ params.minutes > 2 ? duration('1m') : params.wait }}"))).toEqual([]);
    expect(where(durations("${{ params.minutes > 2 ? '5m' : '1m' }}"))).toEqual([]);
  });

  it("report any other type, and unknown names, at the expression", () => {
    const r = durations("${{ params.minutes }}");
    expect(where(r)).toEqual(["13:23 type-mismatch params.minutes"]);
    expect(r.diags[0]?.message).toContain(
      '`timeout` must be a duration or a string such as "5m", but this expression is int',
    );
    expect(where(durations("${{ params.wiat }}")).map((l) => l.split(" ")[1])).toEqual(["unknown-field"]);
  });
});
