import { describe } from "vitest";
import { floatingImageTag } from "../../../src/lint/rules/floating-image-tag.js";
import { doc, ruleTester } from "../rule-tester.js";

const upgrade = (w: string, params = "") =>
  doc(`${params}
phases:
  - id: upgrade
    steps:
      - id: up
        action: helm.upgrade
        with:
          release: kryton
${w}
`);

describe("floating-image-tag", () => {
  ruleTester(floatingImageTag, {
    valid: [
      {
        name: "pinned chart version and image tag",
        code: upgrade(
          '          chart: oci://r.example/kryton\n          version: 3.2.0\n          set: { image.tag: "3.2.0" }',
        ),
      },
      {
        name: "a param without a floating default",
        code: upgrade(
          '          chart: oci://r.example/kryton\n          version: "${{ params.v }}"',
          "params:\n  v: { type: semver, default: 3.2.0 }",
        ),
      },
      { name: "a local chart needs no version", code: upgrade("          chart: ./charts/kryton") },
      {
        name: "an image pinned by digest",
        code: upgrade(
          "          chart: ./charts/kryton\n          set: { image: registry.example/kryton@sha256:0123456789abcdef }",
        ),
      },
    ],
    invalid: [
      {
        name: "latest chart version",
        code: upgrade("          chart: oci://r.example/kryton\n          version: latest"),
        errors: [{ line: 14, column: 20, at: "latest", message: 'the chart version is "latest"' }],
      },
      {
        name: "no chart version",
        code: upgrade("          chart: oci://r.example/kryton"),
        errors: [{ line: 10, column: 17, at: "helm.upgrade", message: "has no chart `version`" }],
      },
      {
        name: "empty image tag and an untagged image",
        code: upgrade(
          '          chart: ./charts/kryton\n          set: { image.tag: "", worker.image: registry.example/worker }',
        ),
        errors: [
          { line: 14, column: 29, at: '""', message: "the image tag is empty" },
          { line: 14, column: 47, at: "registry.example/worker", message: "has no tag or digest" },
        ],
      },
      {
        name: "a param whose default is latest",
        code: upgrade(
          '          chart: ./charts/kryton\n          set: { image.tag: "${{ params.tag }}" }',
          "params:\n  tag: { type: string, default: latest }",
        ),
        errors: [
          { line: 16, column: 34, at: "params.tag", message: "comes from params.tag, whose default is" },
        ],
      },
      {
        name: "configured floating tags",
        options: { floatingTags: ["latest", "stable"] },
        code: upgrade("          chart: ./charts/kryton\n          set: { image.tag: stable }"),
        errors: [{ line: 14, column: 29, at: "stable", message: '"stable"' }],
      },
    ],
  });
});
