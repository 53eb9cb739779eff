// The JSON Schema: compiles as 2020-12, equals what the generator makes, and takes each action's `with:`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { actions } from "../../src/builtins/index.js";
import { runbookSchemaFor, schemaText } from "../../src/parser/schema/build-schema.js";
import { readSchemaText, regenerateCommand, schemaPath } from "../../src/parser/schema/runbook-schema.js";
import { createAjv } from "../../src/parser/schema/validate-shape.js";
import { fixtureActions } from "../fixtures/catalog.js";

describe("schema/runbook.schema.json", () => {
  const committed = JSON.parse(readSchemaText()) as Record<string, unknown>;

  it("declares and compiles as JSON Schema 2020-12 in strict mode", () => {
    expect(committed.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const ajv = createAjv();
    expect(ajv.validateSchema(committed)).toBe(true);
    expect(() => ajv.compile(committed)).not.toThrow();
  });

  it("equals the schema generated from the base and the built-in catalog", () => {
    const generated = schemaText(runbookSchemaFor(actions));
    const onDisk = readFileSync(schemaPath, "utf8");
    expect(onDisk === generated, `schema/runbook.schema.json is out of date; run: ${regenerateCommand}`).toBe(
      true,
    );
  });

  it("routes each action's `with:` to that action's input schema", () => {
    const schema = runbookSchemaFor(fixtureActions) as { $defs: { actions: Record<string, unknown> } };
    expect(Object.keys(schema.$defs.actions)).toEqual(fixtureActions.map((a) => a.name).sort());
    const validate = createAjv().compile(schema);
    const doc = (withValue: unknown) => ({
      apiVersion: "rbx/v1",
      kind: "Runbook",
      metadata: { name: "t", version: "1.0.0" },
      phases: [{ id: "p", steps: [{ id: "s", action: "helm.history", with: withValue }] }],
    });
    expect(validate(doc({ release: "kryton", max: 3 }))).toBe(true);
    expect(validate(doc({ release: "kryton", max: "${{ params.max }}" }))).toBe(true);
    expect(validate(doc({ release: "kryton", max: "three" }))).toBe(false);
    expect(validate(doc({ max: 3 }))).toBe(false);
  });

  it("re-roots an action's own $refs under its definition", () => {
    const schema = runbookSchemaFor(fixtureActions) as {
      $defs: { actions: Record<string, Record<string, unknown>> };
    };
    const upgrade = JSON.stringify(schema.$defs.actions["helm.upgrade"]);
    expect(upgrade).toContain('"$ref":"#/$defs/actions/helm.upgrade/$defs/timeout"');
    expect(() => createAjv().compile(schema)).not.toThrow();
  });
});
