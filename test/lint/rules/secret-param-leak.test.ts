import { describe } from "vitest";
import { secretParamLeak } from "../../../src/lint/rules/secret-param-leak.js";
import { doc, ruleTester } from "../rule-tester.js";

const params = `params:
  token: { type: secret, from: env.API_TOKEN }
  base: { type: url }
  on: { type: bool, default: true }
`;

describe("secret-param-leak", () => {
  ruleTester(secretParamLeak, {
    valid: [
      {
        name: "a secret in a header, a conditional in a URL template",
        code: doc(`${params}phases:
  - id: look
    steps:
      - id: api
        action: http.check
        with:
          url: "\${{ params.on ? params.base : params.base }}/healthz"
          headers: { Authorization: "Bearer \${{ params.token }}" }
`),
      },
      {
        name: "a secret passed to exec in its environment",
        code: doc(`${params}phases:
  - id: save
    steps:
      - id: raft
        action: exec
        with: { program: vault, args: [operator, raft, snapshot, save, /tmp/s], env: { VAULT_TOKEN: "\${{ params.token }}" } }
`),
      },
    ],
    invalid: [
      {
        name: "a secret on an exec argv (readable in the process list)",
        code: doc(`${params}phases:
  - id: save
    steps:
      - id: snap
        action: exec
        with: { program: curl, args: [--fail, -u, "elastic:\${{ params.token }}", "\${{ params.base }}/_snapshot"] }
`),
        errors: [
          {
            line: 15,
            column: 64,
            at: "params.token",
            message:
              "lands in the arguments of an `exec` program, which every user of the host reads in the process list",
          },
        ],
      },
      {
        name: "a secret in a URL query",
        code: doc(`${params}phases:
  - id: look
    steps:
      - id: api
        action: http.check
        with: { url: "\${{ params.base }}/healthz?token=\${{ params.token }}" }
`),
        errors: [{ line: 15, column: 60, at: "params.token", message: "lands in the query of a URL" }],
      },
      {
        name: "a secret in a label and in an assertion message",
        code: doc(`${params}phases:
  - id: snap
    steps:
      - id: s
        action: snapshot.create
        with: { connection: db, label: "pre-\${{ params.token }}" }
        expect:
          - that: output.id != ""
            message: "snapshot for \${{ params.token }} failed"
`),
        errors: [
          { line: 15, column: 49, at: "params.token", message: "lands in `label`" },
          { line: 18, column: 40, at: "params.token", message: "lands in a message" },
        ],
      },
    ],
  });
});
