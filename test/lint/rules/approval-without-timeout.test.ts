import { describe } from "vitest";
import { approvalWithoutTimeout } from "../../../src/lint/rules/approval-without-timeout.js";
import { doc, ruleTester } from "../rule-tester.js";

const approve = (w: string) =>
  doc(`
phases:
  - id: gate
    steps:
      - id: notes
        action: approve
        with: { prompt: "Read the changelog"${w} }
`);

describe("approval-without-timeout", () => {
  ruleTester(approvalWithoutTimeout, {
    valid: [
      { name: "with a timeout", code: approve(", timeout: 30m") },
      {
        name: "with a step timeout given as a template",
        code: doc(`
params:
  wait: { type: duration, default: 30m }
phases:
  - id: gate
    steps:
      - id: notes
        action: approve
        with: { prompt: "Read the changelog" }
        timeout: "\${{ params.wait }}"
`),
      },
    ],
    invalid: [
      {
        name: "no timeout",
        code: approve(""),
        errors: [{ line: 10, column: 17, at: "approve", message: "approval notes waits forever" }],
      },
    ],
  });
});
