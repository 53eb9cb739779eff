import { describe } from "vitest";
import { secretLiteral } from "../../../src/lint/rules/secret-literal.js";
import { doc, ruleTester, TAIL } from "../rule-tester.js";

describe("secret-literal", () => {
  ruleTester(secretLiteral, {
    valid: [
      {
        name: "secrets come from params read from the environment",
        code: doc(`
params:
  dbUrl: { type: secret, from: env.DB_URL }
  token: { type: secret, from: env.API_TOKEN }
connections:
  db: { kind: postgres, url: "\${{ params.dbUrl }}" }
  api: { kind: http, baseUrl: "https://user:\${{ params.token }}@api.example" }
${TAIL}`),
      },
    ],
    invalid: [
      {
        name: "a password inside a connection URL",
        code: doc(`
connections:
  db: { kind: postgres, url: "postgres://app:hunter2@db.example/app" }
${TAIL}`),
        errors: [{ line: 7, column: 31, at: "postgres://app:hunter2@", message: "a password inside a URL" }],
      },
      {
        name: "a GitHub token in a header and a literal under a secret-named key",
        code: doc(`
phases:
  - id: look
    steps:
      - id: api
        action: acme.call
        with:
          url: https://api.example/healthz
          headers: { X-Trace: ghp_abcdefghijklmnopqrstuvwxyz0123456789 }
          apiKey: s3cr3t-value
`),
        errors: [
          { line: 13, column: 31, at: "ghp_", message: "a GitHub token" },
          { line: 14, column: 19, at: "s3cr3t-value", message: "`apiKey` holds a literal credential" },
        ],
      },
      {
        name: "a secret param with a literal default",
        code: doc(`
params:
  pw: { type: secret, default: hunter2 }
${TAIL}`),
        errors: [{ line: 7, column: 32, at: "hunter2", message: "secret param pw has a literal default" }],
      },
      {
        name: "a token inside an expression",
        code: doc(`
guards:
  - that: params.token != "xoxb-1234567890-abcdefghij"
params:
  token: { type: string }
${TAIL}`),
        errors: [{ line: 7, column: 28, at: "xoxb-", message: "a Slack token" }],
      },
      {
        name: "one literal token, one report: a GitHub token after Bearer, a JWT after Bearer",
        code: doc(`
connections:
  api: { kind: http, baseUrl: "https://api.example", headers: { X-Auth: "Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789" } }
phases:
  - id: look
    steps:
      - id: call
        action: exec
        with: { program: curl, args: ["-H", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnop"] }
`),
        errors: [
          { line: 7, column: 81, at: "ghp_", message: "a GitHub token" },
          { line: 13, column: 68, at: "eyJ", message: "a JSON Web Token" },
        ],
      },
    ],
  });
});
