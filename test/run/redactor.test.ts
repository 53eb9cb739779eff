// Taint redaction: secrets by value, their encodings, and values derived from them.
import { describe, expect, it } from "vitest";
import { TaintRedactor } from "../../src/run/bind/taint-redactor.js";

describe("TaintRedactor", () => {
  it("masks a secret wherever it appears, in text and inside JSON (keys too)", () => {
    const r = new TaintRedactor();
    r.addSecret("hunter2");
    expect(r.redact("password is hunter2, again hunter2")).toBe("password is ***, again ***");
    expect(r.redactJson({ a: ["x hunter2 y"], hunter2: 1, n: 5 })).toEqual({
      a: ["x *** y"],
      "***": 1,
      n: 5,
    });
  });

  it("copies only what it masks: a value without a secret comes back as it is, untouched parts are shared", () => {
    const r = new TaintRedactor();
    r.addSecret("hunter2-secret");
    const clean = { step: "s1", output: { headers: { a: "b" }, list: [1, "two"] } };
    expect(r.redactJson(clean)).toBe(clean);
    const headers = { "content-type": "text/plain" };
    const dirty = { output: { headers, text: "token hunter2-secret" }, args: ["x", "hunter2-secret"] };
    const masked = r.redactJson(dirty);
    expect(masked).toEqual({
      output: { headers, text: "token ***" },
      args: ["x", "***"],
    });
    expect(masked).not.toBe(dirty);
    expect(masked.output.headers).toBe(headers);
    expect(dirty.output.text).toBe("token hunter2-secret");
    expect(dirty.args[1]).toBe("hunter2-secret");
  });

  it("masks the URL-encoded and base64 forms of a secret", () => {
    const r = new TaintRedactor();
    r.addSecret("p@ss word");
    expect(r.redact("postgres://u:p%40ss%20word@h/db")).toBe("postgres://u:***@h/db");
    expect(r.redact(`Basic ${Buffer.from("p@ss word").toString("base64")}`)).toBe("Basic ***");
  });

  it("keeps the readable part of a derived string that contains the secret, and registers transformed ones whole", () => {
    const r = new TaintRedactor();
    r.addSecret("s3cr3t");
    r.addDerived("postgres://app:s3cr3t@db:5432/app");
    expect(r.redact("connect postgres://app:s3cr3t@db:5432/app")).toBe(
      "connect postgres://app:***@db:5432/app",
    );
    r.addDerived({ token: "S3CR3T" });
    expect(r.redact("upper: S3CR3T")).toBe("upper: ***");
  });

  it("masks the longest secret first so overlapping secrets leave nothing behind", () => {
    const r = new TaintRedactor();
    r.addSecret("abcdefgh");
    r.addSecret("abcdefghijkl");
    expect(r.redact("xabcdefghijklx")).toBe("x***x");
  });

  it("leaves text alone when no secret is known", () => {
    const r = new TaintRedactor();
    expect(r.redact("nothing here")).toBe("nothing here");
    r.addSecret("");
    expect(r.size).toBe(0);
  });
});
