// Builds the Runbook AST from a document whose shape the schema accepted.

import type { Document, Node as YamlNode } from "yaml";
import type { ConnectionKind } from "../../contract/connection.js";
import type {
  CheckSuite,
  Connection,
  EnvDecl,
  Import,
  Metadata,
  Param,
  ParamType,
  Phase,
  Runbook,
  UnreachablePolicy,
} from "../ast.js";
import { buildAssertions, buildPolicy, buildSteps } from "./build-step.js";
import type { Reader } from "./reader.js";

function buildMetadata(r: Reader, node: YamlNode | undefined): Metadata {
  const product = r.get(node, "product");
  const summary = r.string(r.get(node, "summary"));
  return {
    name: r.name(r.get(node, "name")),
    version: r.name(r.get(node, "version")),
    ...(product !== undefined ? { product: r.name(product) } : {}),
    ...(summary !== undefined ? { summary } : {}),
    owners: r.items(r.get(node, "owners")).map((n) => r.name(n)),
    span: r.span(node),
  };
}

function buildParams(r: Reader, node: YamlNode | undefined): Param[] {
  return r.fields(node).map(({ key, value }) => {
    const typeNode = r.get(value, "type");
    const def = r.get(value, "default");
    const from = r.get(value, "from");
    const values = r.get(value, "values");
    const description = r.string(r.get(value, "description"));
    const param: Param = {
      name: r.name(key),
      type: (r.string(typeNode) ?? "string") as ParamType,
      typeSpan: r.span(typeNode),
      required: def === undefined && from === undefined,
      span: r.span(value),
    };
    if (description !== undefined) param.description = description;
    if (def !== undefined) param.default = r.value(def);
    if (values !== undefined) param.values = r.items(values).map((n) => r.name(n));
    if (from !== undefined)
      param.from = { env: (r.string(from) ?? "").replace(/^env\./, ""), span: r.span(from) };
    return param;
  });
}

function buildEnv(r: Reader, node: YamlNode | undefined): EnvDecl[] {
  return r.fields(node).map(({ key, value }) => {
    const description = r.string(r.get(value, "description"));
    return {
      name: r.name(key),
      secret: r.string(r.get(value, "secret")) === "true",
      ...(description !== undefined ? { description } : {}),
      span: r.span(value ?? key),
    };
  });
}

function buildConnections(r: Reader, node: YamlNode | undefined): Connection[] {
  return r.fields(node).map(({ key, value }) => {
    const kindNode = r.get(value, "kind");
    return {
      name: r.name(key),
      kind: (r.string(kindNode) ?? "http") as ConnectionKind,
      kindSpan: r.span(kindNode),
      fields: r.entries(value).filter((e) => e.key.value !== "kind"),
      span: r.span(value),
    };
  });
}

function buildChecks(r: Reader, node: YamlNode | undefined): CheckSuite[] {
  return r.fields(node).map(({ key, value }) => ({
    name: r.name(key),
    steps: buildSteps(r, value ?? undefined),
    span: r.span(value ?? key),
  }));
}

function buildPhase(r: Reader, node: YamlNode): Phase {
  const phase: Phase = {
    id: r.name(r.get(node, "id")),
    steps: buildSteps(r, r.get(node, "steps")),
    span: r.span(node),
  };
  const description = r.string(r.get(node, "description"));
  if (description !== undefined) phase.description = description;
  const rollback = r.get(node, "rollback");
  if (rollback !== undefined) {
    phase.rollback = buildSteps(r, rollback);
    phase.rollbackSpan = r.span(rollback);
  }
  const onFailure = buildPolicy(r, r.get(node, "onFailure"));
  if (onFailure) phase.onFailure = onFailure;
  return phase;
}

function buildImports(r: Reader, node: YamlNode | undefined): Import[] {
  return r.items(node).map((n) => ({
    from: r.name(r.get(n, "from")),
    version: r.name(r.get(n, "version")),
    checks: r.items(r.get(n, "checks")).map((c) => r.name(c)),
    span: r.span(n),
  }));
}

/** The whole document. */
export function buildRunbook(r: Reader, doc: Document.Parsed): Runbook {
  const root = doc.contents as YamlNode;
  const onFailure = buildPolicy(r, r.get(root, "onFailure"));
  const unreachableNode = r.get(root, "onUnreachable");
  const onUnreachable = r.string(unreachableNode);
  return {
    file: r.src.name,
    apiVersion: r.name(r.get(root, "apiVersion")),
    kind: r.name(r.get(root, "kind")),
    metadata: buildMetadata(r, r.get(root, "metadata")),
    imports: buildImports(r, r.get(root, "imports")),
    libraries: [],
    params: buildParams(r, r.get(root, "params")),
    env: buildEnv(r, r.get(root, "env")),
    connections: buildConnections(r, r.get(root, "connections")),
    guards: buildAssertions(r, r.get(root, "guards")),
    checks: buildChecks(r, r.get(root, "checks")),
    phases: r.items(r.get(root, "phases")).map((n) => buildPhase(r, n)),
    onFailure: onFailure ?? { value: "rollback", span: undefined },
    onUnreachable:
      onUnreachable === undefined
        ? { value: "halt", span: undefined }
        : { value: onUnreachable as UnreachablePolicy, span: r.span(unreachableNode) },
    span: r.span(root),
  };
}
