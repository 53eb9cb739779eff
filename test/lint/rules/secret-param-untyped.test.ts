import { describe } from "vitest";
import { secretParamUntyped } from "../../../src/lint/rules/secret-param-untyped.js";
import { doc, ruleTester, TAIL } from "../rule-tester.js";

const params = (p: string) => `params:\n${p}${TAIL}`;

describe("secret-param-untyped", () => {
  ruleTester(secretParamUntyped, {
    valid: [
      {
        name: "a secret param read from the environment",
        code: doc(params("  apiToken: { type: secret, from: env.API_TOKEN }\n")),
      },
      {
        name: "names that refer to a credential held elsewhere",
        code: doc(
          params(
            "  adminSecret: { type: string, default: grafana-admin }\n  dsnKey: { type: string, default: dsn }\n  tokenFile: { type: string, default: /run/secrets/token }\n",
          ),
        ),
      },
      { name: "no default: the operator gives it", code: doc(params("  repoPassword: { type: string }\n")) },
    ],
    invalid: [
      {
        name: "an admin token with a literal default",
        code: doc(params('  adminToken: { type: string, default: "kadm-7f3c9e21b4d84a0c9e5f1d22" }\n')),
        errors: [{ line: 7, column: 40, at: '"kadm', message: "param adminToken is named for a credential" }],
      },
      {
        name: "a password and an API key",
        code: doc(
          params(
            "  db_password: { type: string, default: hunter2 }\n  serviceApiKey: { type: string, default: AbC123 }\n",
          ),
        ),
        errors: [
          { line: 7, column: 41, at: "hunter2" },
          { line: 8, column: 43, at: "AbC123" },
        ],
      },
    ],
  });
});
