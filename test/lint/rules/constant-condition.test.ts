import { describe } from "vitest";
import { constantCondition } from "../../../src/lint/rules/constant-condition.js";
import { doc, ruleTester } from "../rule-tester.js";

const step = (when: string) =>
  doc(`
params:
  fast: { type: bool, default: false }
guards:
  - that: ${when}
phases:
  - id: p
    steps:
      - id: s
        action: approve
        when: ${when}
        with: { prompt: ok, timeout: 1m }
`);

describe("constant-condition", () => {
  ruleTester(constantCondition, {
    valid: [
      { name: "reads a param", code: step("params.fast") },
      { name: "a comprehension over a param is not constant", code: step('"[params.fast].all(x, x)"') },
    ],
    invalid: [
      {
        name: "literal true in a guard and a when",
        code: step("true"),
        errors: [
          { line: 9, column: 11, at: "true", message: "this guard reads no param" },
          { line: 15, column: 15, at: "true", message: "this `when` reads no param" },
        ],
      },
      {
        name: "a comparison of literals with a bound variable only",
        code: step('"[1, 2].all(x, x > 0)"'),
        errors: [
          { line: 9, column: 11, at: '"[1, 2]' },
          { line: 15, column: 15, at: '"[1, 2]' },
        ],
      },
    ],
  });
});
