// The hand-written part of the rbx/v1 JSON Schema; build-schema.ts adds each built-in's `with:` to it.

import { connectionKinds } from "../../contract/connection.js";
import { durationOrTemplatePattern } from "../../contract/duration.js";
import type { SchemaNode } from "../catalog.js";
import {
  actionNamePattern,
  envNamePattern,
  identifierPattern,
  namePattern,
  semverPattern,
} from "../value-formats.js";

/** The param types, connection kinds and failure policies the format knows (also used by the loader). */
export const paramTypes = ["string", "int", "bool", "semver", "duration", "url", "enum", "secret"] as const;
export const failurePolicies = ["rollback", "halt"] as const;

const ref = (name: string): SchemaNode => ({ $ref: `#/$defs/${name}` });
/** A documented field: its schema, what it means, and an example value (shown by editors with the description). */
const doc = (schema: SchemaNode, description: string, ...examples: unknown[]): SchemaNode => ({
  ...schema,
  description,
  ...(examples.length > 0 ? { examples } : {}),
});
const str = (description: string, ...examples: unknown[]): SchemaNode =>
  doc({ type: "string" }, description, ...examples);

const stepProperties: Record<string, SchemaNode> = {
  id: doc(
    ref("identifier"),
    "Unique across the runbook (phases, rollbacks, check suites and verify steps together); expressions read `steps.<id>.output`. Required for action steps in phases and check suites.",
    "upgrade",
  ),
  description: str(
    "What the step does, for the plan and the operator.",
    "Upgrade the Helm release to the target chart",
  ),
  action: {
    type: "string",
    pattern: actionNamePattern,
    description:
      "The built-in action to run, e.g. `helm.upgrade`; `rbx schema` lists every action with its input.",
    examples: ["helm.upgrade"],
  },
  with: doc(
    { type: "object" },
    "The action's input, checked against the action's schema; strings may hold `${{ }}` templates, and a field typed int, bool or enum may be one whole template.",
    {
      release: "kryton",
      chart: "oci://registry.example/charts/kryton",
      version: "${{ params.targetVersion }}",
    },
  ),
  check: doc(ref("name"), "Run the named suite from `checks:` here, in place of an action.", "healthy"),
  run: doc(
    { type: "string", pattern: "\\.ya?ml$" },
    "Run another runbook (a path relative to this file) as a child run, `with:` giving its params; its phase must be a rollback boundary, whose rollback unwinds the child.",
    "./kryton.rb.yaml",
  ),
  when: doc(
    ref("expression"),
    "Skip the step when this expression is false.",
    "has(steps.migrations.output) && steps.migrations.output.pending.size() > 0",
  ),
  guards: doc(
    { type: "array", items: ref("assertion") },
    "Assertions checked before the step; the run halts before it when one is false.",
    [{ that: "steps.history.output.current.status == 'deployed'", message: "the release is not deployed" }],
  ),
  expect: doc(
    { type: "array", items: ref("assertion") },
    "Assertions on the step's `output` after it ran; the step fails when one is false.",
    [{ that: "output.json.version == string(params.targetVersion)" }],
  ),
  retry: doc(ref("retry"), "Run the step again when it fails, or poll it until `until` holds.", {
    attempts: 12,
    every: "5s",
    timeout: "5m",
  }),
  timeout: doc(
    ref("duration"),
    "Deadline for one attempt; may be one whole `${{ }}` template over a duration.",
    "10m",
  ),
  onFailure: doc(
    ref("failurePolicy"),
    "What a failure of this step does, overriding the phase's and the runbook's policy.",
    "halt",
  ),
  verify: doc(
    ref("stepBody"),
    "A read-only step that is the step's postcondition: if it holds when an interrupted run resumes, the write is taken as done.",
    {
      action: "helm.status",
      with: { release: "kryton" },
      expect: [{ that: "output.chart == 'kryton-4.6.5'" }],
    },
  ),
  effect: doc(
    { const: "read" },
    "exec only: this program changes nothing (a signature check, a registry look-up); the step is then a read everywhere.",
    "read",
  ),
};

/** The document's check suites (a CheckLibrary's whole content). */
const checksProperty: SchemaNode = {
  type: "object",
  description: "Named, read-only verification suites, run with `check: <name>` from a phase or a rollback.",
  examples: [{ healthy: [{ id: "ready", action: "http.check", with: { url: "/readyz" } }] }],
  propertyNames: ref("name"),
  additionalProperties: { type: "array", minItems: 1, items: ref("step") },
};

/** A runbook's phases (a CheckLibrary has none). */
const phasesProperty: SchemaNode = doc(
  { type: "array", minItems: 1, items: ref("phase") },
  "What the runbook does, in order. A phase with `rollback:` is a rollback boundary: a later failure unwinds it.",
  [
    {
      id: "upgrade",
      rollback: [
        {
          action: "helm.rollback",
          with: { release: "kryton", revision: "${{ steps.history.output.current.revision }}" },
        },
      ],
      steps: [
        {
          id: "upgrade",
          action: "helm.upgrade",
          with: { release: "kryton", chart: "./charts/kryton", wait: true, timeout: "10m" },
        },
      ],
    },
  ],
);

/** The base schema: everything but the per-action `with:` schemas. */
export const baseSchema: SchemaNode = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://rbx.dev/schema/rbx-v1/runbook.schema.json",
  title: "rbx/v1 runbook",
  description: "A declarative upgrade runbook: typed params, connections, guards, check suites and phases.",
  type: "object",
  required: ["apiVersion", "kind", "metadata"],
  additionalProperties: false,
  // A CheckLibrary holds checks for runbooks to import; a Runbook needs phases. The branches name the required key
  // with `true` (strict mode wants it named; its schema stays the root's, so an editor matches a node once, not twice).
  // What a library may not hold, the loader says.
  allOf: [
    {
      if: {
        type: "object",
        properties: { kind: { const: "CheckLibrary", description: "A check library." } },
        required: ["kind"],
      },
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
      then: { type: "object", properties: { checks: true }, required: ["checks"] },
      else: { type: "object", properties: { phases: true }, required: ["phases"] },
    },
  ],
  properties: {
    apiVersion: { const: "rbx/v1", description: "The version of the runbook format: always `rbx/v1`." },
    kind: {
      enum: ["Runbook", "CheckLibrary"],
      description:
        "What the document is: a `Runbook`, or a `CheckLibrary` of check suites other documents import.",
    },
    imports: doc(
      { type: "array", items: ref("import") },
      "Check suites (and the params they need) taken from check libraries, at pinned versions.",
      [{ from: "./lib/checks.rb.yaml", version: "1.0.0", checks: ["ready"] }],
    ),
    metadata: doc(
      ref("metadata"),
      "The runbook's name and version (recorded in every run), product, summary and owners.",
      {
        name: "kryton-upgrade",
        version: "1.0.0",
        product: "kryton",
      },
    ),
    params: {
      type: "object",
      description:
        "Typed inputs, read in expressions as `params.<name>`; a param without `default` or `from` must be given with `--param name=value`.",
      examples: [
        {
          targetVersion: { type: "semver" },
          databaseUrl: { type: "secret", from: "env.KRYTON_DATABASE_URL" },
        },
      ],
      propertyNames: ref("identifier"),
      additionalProperties: ref("param"),
    },
    env: {
      type: "object",
      description: "Environment variables the runbook reads, as `env.<NAME>`.",
      examples: [{ KRYTON_DATABASE_URL: { secret: true, description: "PostgreSQL DSN" } }],
      propertyNames: ref("envName"),
      additionalProperties: ref("envDecl"),
    },
    connections: {
      type: "object",
      description:
        "What the built-in actions talk to, by name: `kubernetes`, `postgres` and `http` connections.",
      examples: [
        {
          cluster: { kind: "kubernetes", namespace: "kryton" },
          db: { kind: "postgres", url: "${{ params.databaseUrl }}" },
        },
      ],
      propertyNames: ref("name"),
      additionalProperties: ref("connection"),
    },
    guards: doc(
      { type: "array", items: ref("assertion") },
      "Assertions that must all hold before anything runs; nothing changes when one is false.",
      [{ that: "semver(params.targetVersion) > semver('4.6.4')", message: "nothing to upgrade" }],
    ),
    checks: checksProperty,
    phases: phasesProperty,
    onFailure: doc(
      ref("failurePolicy"),
      "What a failure does by default: `rollback` (unwind the boundaries entered, newest first) or `halt` (stop for the operator).",
      "halt",
    ),
    onUnreachable: doc(
      { enum: ["halt", "rollback"] },
      "When a step fails because its target cannot be reached (refused, DNS, TLS, no answer, rejected credentials) and the rollback would need that same target: `halt` (the default: resume or roll back once it answers again) or `rollback` anyway.",
      "rollback",
    ),
  },
  $defs: {
    identifier: { type: "string", pattern: identifierPattern },
    import: {
      type: "object",
      required: ["from", "version", "checks"],
      additionalProperties: false,
      properties: {
        from: doc(
          { type: "string", pattern: "\\.ya?ml$" },
          "The check library's file, relative to this one.",
          "./lib/checks.rb.yaml",
        ),
        version: doc(
          ref("semver"),
          "The library's version this document was written against; another version is refused.",
          "1.0.0",
        ),
        checks: doc(
          { type: "array", minItems: 1, uniqueItems: true, items: ref("name") },
          "The suites to take; the suites they run and the params they read come along.",
          ["ready"],
        ),
      },
    },
    name: { type: "string", pattern: namePattern },
    envName: { type: "string", pattern: envNamePattern },
    semver: { type: "string", pattern: semverPattern },
    duration: {
      type: "string",
      pattern: durationOrTemplatePattern,
      minLength: 2,
      description:
        "A duration such as 500ms, 5s, 1m30s, 15m, 2h, or one whole `${{ }}` template (e.g. over a duration param) resolved when the step starts.",
    },
    expression: {
      anyOf: [{ type: "string", minLength: 1 }, { type: "boolean" }],
      description: "An expression in the rbx expression language (a CEL subset).",
    },
    template: { type: "string", pattern: "\\$\\{\\{", description: "A `${{ expression }}` template." },
    failurePolicy: { enum: [...failurePolicies] },
    metadata: {
      type: "object",
      required: ["name", "version"],
      additionalProperties: false,
      properties: {
        name: doc(
          ref("name"),
          "The runbook's name (letters, digits, `-`, `_`), recorded in every run.",
          "kryton-upgrade",
        ),
        version: doc(ref("semver"), "The version of this document (semver), recorded in every run.", "1.2.0"),
        product: doc(ref("name"), "The product the runbook upgrades.", "kryton"),
        summary: str(
          "One line: what the runbook does.",
          "Upgrade Kryton with a snapshot and a verified rollback",
        ),
        owners: doc({ type: "array", items: { type: "string" } }, "Who to ask about the runbook.", [
          "platform-team@example.com",
        ]),
      },
    },
    param: {
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: {
          enum: [...paramTypes],
          description: "The param's type; values are checked against it before anything runs.",
          examples: ["semver"],
        },
        description: str(
          "What the param means: shown by `rbx plan` and in prompts.",
          "The Kryton version to upgrade to",
        ),
        default: {
          description:
            "Used when the operator gives no value; must fit the type. May be a `${{ }}` template over the other params; a secret has none.",
          examples: ["4.6.5"],
        },
        values: doc(
          { type: "array", minItems: 1, uniqueItems: true, items: { type: "string" } },
          "The allowed values of an `enum` param (required for `enum`, refused for the other types).",
          ["community", "enterprise"],
        ),
        from: {
          type: "string",
          pattern: "^env\\.[A-Za-z_][A-Za-z0-9_]*$",
          description:
            "Read the value from an environment variable, e.g. `env.DATABASE_URL` (the way to give a secret).",
          examples: ["env.KRYTON_DATABASE_URL"],
        },
      },
    },
    envDecl: {
      type: "object",
      additionalProperties: false,
      properties: {
        secret: {
          type: "boolean",
          description: "Redact every value derived from the variable wherever it would be shown.",
        },
        description: str("What the variable holds.", "PostgreSQL DSN of the Kryton database"),
      },
    },
    connection: {
      type: "object",
      required: ["kind"],
      properties: {
        kind: {
          enum: [...connectionKinds],
          description: "What the connection talks to; each kind has its own fields.",
          examples: ["kubernetes"],
        },
      },
      allOf: connectionKinds.map((k) => ({
        if: { properties: { kind: { const: k } }, required: ["kind"] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
        then: ref(`connection-${k}`),
      })),
    },
    "connection-kubernetes": {
      type: "object",
      additionalProperties: false,
      properties: {
        kind: {
          const: "kubernetes",
          description: "A Kubernetes cluster, reached through a kubeconfig (helm.*, kubectl.*).",
        },
        kubeconfig: str(
          "Path of the kubeconfig file (default: `KUBECONFIG`, else `~/.kube/config`).",
          "${{ env.KUBECONFIG }}",
        ),
        context: str("The kubeconfig context (default: its current context).", "prod-eu-1"),
        namespace: str("The default namespace of the actions that use this connection.", "kryton"),
      },
    },
    "connection-postgres": {
      type: "object",
      required: ["url"],
      additionalProperties: false,
      properties: {
        kind: { const: "postgres", description: "A PostgreSQL database (sql.*, snapshot.*)." },
        url: str("postgres://… — usually a template over a secret param.", "${{ params.databaseUrl }}"),
      },
    },
    "connection-http": {
      type: "object",
      required: ["baseUrl"],
      additionalProperties: false,
      properties: {
        kind: {
          const: "http",
          description: "An HTTP service (http.check) whose URLs are relative to `baseUrl`.",
        },
        baseUrl: str("http(s) URL every request is relative to.", "https://kryton.example.com"),
        headers: doc(
          { type: "object", additionalProperties: { type: "string" } },
          "Headers sent with every request; values may be templates (credential headers never appear in plans).",
          { Authorization: "Bearer ${{ params.apiToken }}" },
        ),
        ca: str("Path of a CA bundle (PEM) to trust.", "/etc/ssl/internal-ca.pem"),
        insecure: {
          anyOf: [{ type: "boolean" }, ref("template")],
          description: "Skip TLS certificate verification (lint warns: insecure-http-check).",
        },
      },
    },
    assertion: {
      type: "object",
      required: ["that"],
      additionalProperties: false,
      properties: {
        that: doc(ref("expression"), "An expression that must be true.", "output.status == 200"),
        message: str(
          "Shown when `that` is false; may hold `${{ }}` templates.",
          "readyz answered ${{ output.status }}",
        ),
      },
    },
    retry: {
      type: "object",
      additionalProperties: false,
      properties: {
        attempts: doc({ type: "integer", minimum: 1 }, "How many attempts in all (1 = no retry).", 5),
        every: doc(ref("duration"), "How long to wait between attempts.", "10s"),
        backoff: doc(
          { type: "number", minimum: 1 },
          "Multiply the wait by this after each attempt (1 = a constant wait).",
          2,
        ),
        maxEvery: doc(ref("duration"), "Upper bound of the wait as `backoff` grows it.", "1m"),
        until: doc(
          ref("expression"),
          "Poll: run the step again until this holds over its `output`.",
          "output.json.ready == true",
        ),
        timeout: doc(ref("duration"), "Deadline for all attempts together.", "15m"),
      },
    },
    stepBody: { type: "object", additionalProperties: false, properties: stepProperties },
    step: {
      // An action step needs an id (the properties restated so strict mode sees where the required names come from).
      allOf: [
        ref("stepBody"),
        {
          if: { type: "object", properties: { action: stepProperties.action }, required: ["action"] },
          // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
          then: { type: "object", properties: { id: stepProperties.id }, required: ["id"] },
        },
        {
          if: { type: "object", properties: { run: stepProperties.run }, required: ["run"] },
          // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
          then: { type: "object", properties: { id: stepProperties.id }, required: ["id"] },
        },
      ],
    },
    phase: {
      type: "object",
      required: ["id", "steps"],
      additionalProperties: false,
      properties: {
        id: doc(ref("name"), "Unique among phases; the journal records progress by phase id.", "upgrade"),
        description: str(
          "What the phase does, for the plan and the operator.",
          "Upgrade the release and wait for the rollout",
        ),
        steps: doc({ type: "array", minItems: 1, items: ref("step") }, "The phase's steps, run in order.", [
          {
            id: "upgrade",
            action: "helm.upgrade",
            with: { release: "kryton", chart: "./charts/kryton", wait: true, timeout: "10m" },
          },
        ]),
        rollback: doc(
          { type: "array", minItems: 1, items: ref("stepBody") },
          "Makes the phase a rollback boundary: how to return to the state at its entry. Steps may omit `id`.",
          [
            {
              action: "helm.rollback",
              with: { release: "kryton", revision: "${{ steps.history.output.current.revision }}" },
            },
          ],
        ),
        onFailure: doc(
          ref("failurePolicy"),
          "What a failure in this phase does, overriding the runbook's policy.",
          "halt",
        ),
      },
    },
    actions: {},
  },
};
