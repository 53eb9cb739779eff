// The hand-written part of the rbx/v1 JSON Schema; build-schema.ts adds each built-in's `with:` to it.

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
export const connectionKinds = ["kubernetes", "postgres", "http"] as const;
export const failurePolicies = ["rollback", "halt"] as const;

const ref = (name: string): SchemaNode => ({ $ref: `#/$defs/${name}` });
const str = (description: string): SchemaNode => ({ type: "string", description });

const stepProperties: Record<string, SchemaNode> = {
  id: {
    ...ref("identifier"),
    description: "Unique across the runbook; expressions read `steps.<id>.output`.",
  },
  description: str("What the step does, for the plan and the operator."),
  action: {
    type: "string",
    pattern: actionNamePattern,
    description: "The built-in action to run, e.g. `helm.upgrade`.",
  },
  with: { type: "object", description: "The action's input; strings may hold `${{ }}` templates." },
  check: { ...ref("name"), description: "Run the named suite from `checks:` in place of an action." },
  when: { ...ref("expression"), description: "Skip the step when this expression is false." },
  guards: { type: "array", items: ref("assertion"), description: "Halt before the step when one is false." },
  expect: { type: "array", items: ref("assertion"), description: "Assertions on `output` after the step." },
  retry: ref("retry"),
  timeout: { ...ref("duration"), description: "Deadline for one attempt." },
  onFailure: ref("failurePolicy"),
  verify: { ...ref("stepBody"), description: "A read-only step; if it holds on resume, the write is done." },
};

/** The base schema: everything but the per-action `with:` schemas. */
export const baseSchema: SchemaNode = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://rbx.dev/schema/rbx-v1/runbook.schema.json",
  title: "rbx/v1 runbook",
  description: "A declarative upgrade runbook: typed params, connections, guards, check suites and phases.",
  type: "object",
  required: ["apiVersion", "kind", "metadata", "phases"],
  additionalProperties: false,
  properties: {
    apiVersion: { const: "rbx/v1", description: "The version of the runbook format." },
    kind: { const: "Runbook" },
    metadata: ref("metadata"),
    params: {
      type: "object",
      description: "Typed inputs, read in expressions as `params.<name>`.",
      propertyNames: ref("identifier"),
      additionalProperties: ref("param"),
    },
    env: {
      type: "object",
      description: "Environment variables the runbook reads, as `env.<NAME>`.",
      propertyNames: ref("envName"),
      additionalProperties: ref("envDecl"),
    },
    connections: {
      type: "object",
      description: "What the built-in actions talk to.",
      propertyNames: ref("name"),
      additionalProperties: ref("connection"),
    },
    guards: { type: "array", items: ref("assertion"), description: "Must hold before anything runs." },
    checks: {
      type: "object",
      description: "Named, read-only verification suites, run with `check: <name>`.",
      propertyNames: ref("name"),
      additionalProperties: { type: "array", minItems: 1, items: ref("step") },
    },
    phases: { type: "array", minItems: 1, items: ref("phase") },
    onFailure: { ...ref("failurePolicy"), description: "What a failure does by default (rollback)." },
  },
  $defs: {
    identifier: { type: "string", pattern: identifierPattern },
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
      type: ["string", "boolean"],
      minLength: 1,
      description: "An expression in the rbx expression language (a CEL subset).",
    },
    template: { type: "string", pattern: "\\$\\{\\{", description: "A `${{ expression }}` template." },
    failurePolicy: { enum: [...failurePolicies] },
    metadata: {
      type: "object",
      required: ["name", "version"],
      additionalProperties: false,
      properties: {
        name: ref("name"),
        version: {
          ...ref("semver"),
          description: "The version of this document (semver), recorded in every run.",
        },
        product: ref("name"),
        summary: str("One line: what the runbook does."),
        owners: { type: "array", items: { type: "string" } },
      },
    },
    param: {
      type: "object",
      required: ["type"],
      additionalProperties: false,
      properties: {
        type: { enum: [...paramTypes] },
        description: { type: "string" },
        default: { description: "Used when the operator gives no value; must fit the type." },
        values: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string" } },
        from: {
          type: "string",
          pattern: "^env\\.[A-Za-z_][A-Za-z0-9_]*$",
          description: "e.g. env.DATABASE_URL",
        },
      },
    },
    envDecl: {
      type: "object",
      additionalProperties: false,
      properties: { secret: { type: "boolean" }, description: { type: "string" } },
    },
    connection: {
      type: "object",
      required: ["kind"],
      properties: { kind: { enum: [...connectionKinds] } },
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
        kind: {},
        kubeconfig: str("Path of the kubeconfig file."),
        context: str("The kubeconfig context."),
        namespace: str("The default namespace."),
      },
    },
    "connection-postgres": {
      type: "object",
      required: ["url"],
      additionalProperties: false,
      properties: { kind: {}, url: str("postgres://… — usually a template over a secret param.") },
    },
    "connection-http": {
      type: "object",
      required: ["baseUrl"],
      additionalProperties: false,
      properties: {
        kind: {},
        baseUrl: str("http(s) URL every request is relative to."),
        headers: { type: "object", additionalProperties: { type: "string" } },
        ca: str("Path of a CA bundle to trust."),
        insecure: { anyOf: [{ type: "boolean" }, ref("template")] },
      },
    },
    assertion: {
      type: "object",
      required: ["that"],
      additionalProperties: false,
      properties: {
        that: ref("expression"),
        message: str("Shown when `that` is false; may hold `${{ }}` templates."),
      },
    },
    retry: {
      type: "object",
      additionalProperties: false,
      properties: {
        attempts: { type: "integer", minimum: 1 },
        every: ref("duration"),
        backoff: { type: "number", minimum: 1 },
        maxEvery: ref("duration"),
        until: ref("expression"),
        timeout: ref("duration"),
      },
    },
    stepBody: { type: "object", additionalProperties: false, properties: stepProperties },
    step: {
      // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword
      allOf: [ref("stepBody"), { if: { required: ["action"] }, then: { required: ["id"] } }],
    },
    phase: {
      type: "object",
      required: ["id", "steps"],
      additionalProperties: false,
      properties: {
        id: ref("name"),
        description: { type: "string" },
        steps: { type: "array", minItems: 1, items: ref("step") },
        rollback: {
          type: "array",
          minItems: 1,
          items: ref("stepBody"),
          description: "Makes the phase a rollback boundary; steps may omit `id`.",
        },
        onFailure: ref("failurePolicy"),
      },
    },
    actions: {},
  },
};
