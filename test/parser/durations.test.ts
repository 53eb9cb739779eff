// One duration grammar for every duration of a runbook: the parser, the schema pattern, steps and `with:` alike.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/builtins/index.js";
import { durationOr, durationSchema, goDuration } from "../../src/builtins/shared/duration-field.js";
import { durationPattern, formatDuration, parseDuration } from "../../src/contract/duration.js";
import { formatElapsed } from "../../src/contract/elapsed.js";
import { loadRunbook } from "../../src/parser/load.js";

const runbook = (value: string) => `apiVersion: rbx/v1
kind: Runbook
metadata: { name: d, version: 1.0.0 }
params:
  wait: { type: duration, default: ${value} }
phases:
  - id: a
    steps:
      - id: shell
        action: exec
        with: { program: "true", timeout: ${value} }
        timeout: ${value}
        retry: { attempts: 2, every: ${value} }
      - id: health
        action: http.check
        with: { url: "http://127.0.0.1/", timeout: ${value} }
      - id: schema
        action: sql.exec
        with: { connection: db, statements: ["select 1"], lockTimeout: ${value} }
connections:
  db: { kind: postgres, url: "postgres://u@h/db" }
`;

const codes = (value: string) =>
  loadRunbook("d.rb.yaml", runbook(value), { catalog: builtinCatalog }).diagnostics.map(
    (d) => `${d.span.start.line}:${d.code}`,
  );

describe("the one duration grammar", () => {
  it("refuses days, decimals, bare numbers and out-of-order units in a step and in `with:` alike", () => {
    for (const bad of ["1d", "1.5m", "30", '"30"', "1m1h", '""', "5 mins", "-5s"]) {
      const found = codes(bad);
      // the param default (5), exec's with: (11), the step timeout (12), retry.every (13), http.check's
      // with: (16), sql.exec's (19)
      expect(
        found.filter((c) => !c.startsWith("5:")),
        bad,
      ).toEqual([
        "11:invalid-duration",
        "12:invalid-duration",
        "13:invalid-duration",
        "16:invalid-duration",
        "19:invalid-duration",
      ]);
      const param = loadRunbook("p.rb.yaml", runbook("2m").replace("default: 2m", `default: ${bad}`), {
        catalog: builtinCatalog,
      });
      expect(
        param.diagnostics.map((d) => `${d.span.start.line}:${d.code}`),
        bad,
      ).toEqual(["5:invalid-default"]);
    }
  });

  it("accepts whole numbers with h, m, s, ms largest first, everywhere", () => {
    for (const good of ["24h", "1h30m", "1m30s", "90s", "500ms", "0s"]) expect(codes(good), good).toEqual([]);
  });

  it("has one parser, and the schema pattern agrees with it on any text", () => {
    const re = new RegExp(durationPattern);
    expect(durationSchema.pattern).toBe(durationPattern);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{0,3}(h|m|s|ms|d)?([0-9]{0,3}(h|m|s|ms))?$/)),
        (text) => re.test(text) === (parseDuration(text) !== undefined),
      ),
      { numRuns: 2000 },
    );
    expect(parseDuration("1h2m3s4ms")).toBe(3_723_004);
    expect(durationOr("1m30s", 5)).toBe(90_000);
    expect(durationOr(undefined, 5)).toBe(5);
    expect(() => durationOr("1.5m", 5)).toThrow(
      /Invalid duration "1\.5m": write whole numbers with h, m, s or ms/,
    );
    expect(() => durationOr(30, 5)).toThrow(/Invalid duration 30/);
  });

  it("has three formatters, one for each purpose", () => {
    // The runbook's own spelling (plan, computed defaults): it parses back to the same length.
    fc.assert(fc.property(fc.nat(10 * 86_400_000), (ms) => parseDuration(formatDuration(ms)) === ms));
    expect(formatDuration(90_000)).toBe("1m30s");
    // A measured time for people; Go's spelling for helm's --timeout.
    expect(formatElapsed(90_000)).toBe("1m30s");
    expect(formatElapsed(12_400)).toBe("12.4s");
    expect(goDuration(900_000)).toBe("15m0s");
  });
});
