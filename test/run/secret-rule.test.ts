// The secret rule: no output lets a reader work a secret out — short secrets are refused, short values masked only as words.
import { describe, expect, it } from "vitest";
import { MASK, MIN_SECRET_LENGTH, TaintRedactor } from "../../src/run/bind/taint-redactor.js";
import { startRun } from "../../src/run/sessions/start-run.js";
import { Harness } from "./harness.js";

/** Every way the masked text could be read back: a mask must stand where the whole value stood, nowhere else. */
function masksOnlyWholeValues(original: string, redacted: string, secret: string): boolean {
  // Put the secret back where each mask is: the result must be the original, and each mask a whole word.
  return redacted.split(MASK).join(secret) === original;
}

describe("the secret rule (TaintRedactor)", () => {
  it("masks a short value an action registers only as a whole word, never inside another word", () => {
    const r = new TaintRedactor();
    r.addSecret("x");
    // The report of issue 14: masked wherever its character occurs, `registry.e***ample` gave `x` away.
    expect(r.redact("pulling registry.example/app:1.2.3")).toBe("pulling registry.example/app:1.2.3");
    expect(r.redact("login x failed for user x.")).toBe(`login ${MASK} failed for user ${MASK}.`);
    expect(r.redact("postgres://app:x@db:5432/app")).toBe(`postgres://app:${MASK}@db:5432/app`);
    expect(r.redactJson({ password: "x", host: "example.org", note: "max x" })).toEqual({
      password: MASK,
      host: "example.org",
      note: `max ${MASK}`,
    });
    // Letters of any script are part of a word.
    expect(r.redact("éxé x")).toBe(`éxé ${MASK}`);
  });

  it("leaves a reader nothing to recover: every mask stands where the whole value stood", () => {
    for (const secret of ["x", "7", "pw", "Ab1", "hunter2"]) {
      const r = new TaintRedactor();
      r.addSecret(secret);
      for (const text of [
        `registry.example ${secret} v1.${secret}.0 x${secret}y ${secret}${secret}`,
        `${secret}:${secret}@host?token=${secret}&n=${secret}1`,
        "nothing to see in 2025-05-01T10:00:00Z",
      ]) {
        const out = r.redact(text);
        expect(masksOnlyWholeValues(text, out, secret), `${secret} in ${text} → ${out}`).toBe(true);
        // No mask touches a letter or digit, so none sits inside another word.
        expect(out).not.toMatch(/[\p{L}\p{N}]\*\*\*|\*\*\*[\p{L}\p{N}]/u);
      }
    }
  });

  it(`masks a value of ${MIN_SECRET_LENGTH} characters or more wherever it occurs, inside words too`, () => {
    const r = new TaintRedactor();
    r.addSecret("Tr0ub4dor");
    expect(r.redact("aTr0ub4dorb and Tr0ub4dor")).toBe(`a${MASK}b and ${MASK}`);
    // Its encodings too, and a short value registered later cannot cut a long one apart.
    r.addSecret("ub");
    expect(r.redact(`Basic ${Buffer.from("Tr0ub4dor").toString("base64")} ub`)).toBe(`Basic ${MASK} ${MASK}`);
  });

  it("masks a short transformed secret as a word and ignores derived flags and numbers", () => {
    const r = new TaintRedactor();
    r.addSecret("s3cr3t-Pa55");
    r.addDerived({ upper: "S3CR3T-PA55", short: "S3CR3T", flag: "true", n: "11" });
    expect(r.redact("S3CR3T-PA55 / S3CR3T / S3CR3Tx / true / 11")).toBe(
      `${MASK} / ${MASK} / S3CR3Tx / true / 11`,
    );
  });
});

describe("the secret rule (params and env)", () => {
  const runbook = (h: Harness) =>
    h.write(
      "short.rb.yaml",
      `apiVersion: rbx/v1
kind: Runbook
metadata: { name: short, version: 1.0.0 }
params:
  dbPassword: { type: secret, from: env.DB_PASSWORD }
env:
  API_TOKEN: { secret: true }
phases:
  - id: one
    steps:
      - id: write
        action: test.append
        with: { path: "${h.path("log.txt")}", line: "x" }
`,
    );

  it("refuses a secret param shorter than the minimum, naming the param and never the value", async () => {
    const h = new Harness();
    try {
      const r = await startRun(
        runbook(h),
        { cli: new Map() },
        undefined,
        h.opts({ env: { DB_PASSWORD: "x", API_TOKEN: "long-enough-token" } }),
      );
      expect(r.exit).toBe(2);
      const said = h.said.join("\n");
      expect(said).toContain(`param "dbPassword" is a secret shorter than ${MIN_SECRET_LENGTH} characters`);
      expect(said).not.toMatch(/\bx\b/);
      expect(await h.store.list()).toEqual([]);
    } finally {
      h.cleanup();
    }
  });

  it("refuses a short secret env var, and runs once both are long enough", async () => {
    const h = new Harness();
    try {
      const short = await startRun(
        runbook(h),
        { cli: new Map() },
        undefined,
        h.opts({ env: { DB_PASSWORD: "a-long-password", API_TOKEN: "tok" } }),
      );
      expect(short.exit).toBe(2);
      expect(h.said.join("\n")).toContain(
        `env API_TOKEN is a secret shorter than ${MIN_SECRET_LENGTH} characters`,
      );
      expect(h.said.join("\n")).not.toContain("tok");
      const ok = await startRun(
        runbook(h),
        { cli: new Map() },
        undefined,
        h.opts({ env: { DB_PASSWORD: "a-long-password", API_TOKEN: "a-long-token" } }),
      );
      expect(ok.exit).toBe(0);
    } finally {
      h.cleanup();
    }
  });
});
