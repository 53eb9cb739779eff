// Builds steps, assertions and retry policies from their (schema-checked) YAML mappings.
import type { Node as YamlNode } from "yaml";
import type { Assertion, FailurePolicy, Retry, Step } from "../ast.js";
import type { Reader } from "./reader.js";

/** `that` + optional `message`. */
export function buildAssertion(r: Reader, node: YamlNode): Assertion {
  const message = r.get(node, "message");
  return {
    that: r.sourceText(r.get(node, "that")),
    ...(message !== undefined ? { message: r.stringValue(message) } : {}),
    span: r.span(node),
  };
}

export function buildAssertions(r: Reader, node: YamlNode | undefined): Assertion[] {
  return r.items(node).map((n) => buildAssertion(r, n));
}

/** `onFailure: rollback|halt` with the span of the value. */
export function buildPolicy(
  r: Reader,
  node: YamlNode | undefined,
): { value: FailurePolicy; span: Step["span"] } | undefined {
  const v = r.string(node);
  return v === undefined ? undefined : { value: v as FailurePolicy, span: r.span(node) };
}

function buildRetry(r: Reader, node: YamlNode): Retry {
  const retry: Retry = { span: r.span(node) };
  const attempts = r.get(node, "attempts");
  const backoff = r.get(node, "backoff");
  const until = r.get(node, "until");
  if (attempts !== undefined) retry.attempts = Number(r.string(attempts));
  if (backoff !== undefined) retry.backoff = Number(r.string(backoff));
  if (until !== undefined) retry.until = r.sourceText(until);
  for (const k of ["every", "maxEvery", "timeout"] as const) {
    const d = r.duration(r.get(node, k));
    if (d) retry[k] = d;
  }
  return retry;
}

/** One step (action or check), including a `verify` step nested in it. */
export function buildStep(r: Reader, node: YamlNode): Step {
  const step: Step = {
    guards: buildAssertions(r, r.get(node, "guards")),
    expect: buildAssertions(r, r.get(node, "expect")),
    span: r.span(node),
  };
  for (const k of ["id", "action", "check", "run"] as const) {
    const n = r.get(node, k);
    if (n !== undefined) step[k] = r.name(n);
  }
  const withNode = r.get(node, "with");
  if (withNode !== undefined) {
    const v = r.value(withNode);
    step.with = v.kind === "map" ? v : { kind: "map", entries: [], span: v.span };
  }
  const when = r.get(node, "when");
  if (when !== undefined) step.when = r.sourceText(when);
  const retry = r.get(node, "retry");
  if (retry !== undefined) step.retry = buildRetry(r, retry);
  const timeout = r.duration(r.get(node, "timeout"));
  if (timeout) step.timeout = timeout;
  const onFailure = buildPolicy(r, r.get(node, "onFailure"));
  if (onFailure) step.onFailure = onFailure;
  const verify = r.get(node, "verify");
  if (verify !== undefined) step.verify = buildStep(r, verify);
  const effect = r.get(node, "effect");
  if (effect !== undefined && r.string(effect) === "read")
    step.effect = { value: "read", span: r.span(effect) };
  const description = r.string(r.get(node, "description"));
  if (description !== undefined) step.description = description;
  return step;
}

export function buildSteps(r: Reader, node: YamlNode | undefined): Step[] {
  return r.items(node).map((n) => buildStep(r, n));
}
