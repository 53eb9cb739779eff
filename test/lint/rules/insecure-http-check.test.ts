import { describe } from "vitest";
import { insecureHttpCheck } from "../../../src/lint/rules/insecure-http-check.js";
import { doc, ruleTester, TAIL } from "../rule-tester.js";

const check = (w: string) =>
  doc(`
phases:
  - id: p
    steps:
      - id: c
        action: http.check
        with: { url: https://kryton.example/readyz${w} }
`);

describe("insecure-http-check", () => {
  ruleTester(insecureHttpCheck, {
    valid: [
      { name: "TLS verified", code: check("") },
      { name: "insecure: false", code: check(", insecure: false") },
    ],
    invalid: [
      {
        name: "insecure: true on http.check",
        code: check(", insecure: true"),
        errors: [{ line: 11, column: 63, at: "true" }],
      },
      {
        name: "insecure: true on an http connection",
        code: doc(`
connections:
  api: { kind: http, baseUrl: "https://kryton.example", insecure: true }
${TAIL}`),
        errors: [{ line: 7, column: 67, at: "true", message: "skips TLS verification" }],
      },
    ],
  });
});
