// Suggestions for misspelt names: close ones are offered, unrelated ones are not.
import { describe, expect, it } from "vitest";
import { suggestion } from "../../src/check/did-you-mean.js";
import {
  closestNames,
  didYouMean,
  didYouMeanPhrase,
  editDistance,
  suggestedNames,
} from "../../src/diagnostics/did-you-mean.js";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and transpositions", () => {
    expect(editDistance("retry", "retry")).toBe(0);
    expect(editDistance("timout", "timeout")).toBe(1);
    expect(editDistance("rollbak", "rollback")).toBe(1);
    expect(editDistance("hlem", "helm")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("closestNames", () => {
  const fields = [
    "id",
    "action",
    "with",
    "check",
    "when",
    "guards",
    "expect",
    "retry",
    "timeout",
    "onFailure",
  ];
  it("offers the nearest names, best first", () => {
    expect(closestNames("retires", fields)).toEqual(["retry"]);
    expect(closestNames("onfailure", fields)).toEqual(["onFailure"]);
    expect(closestNames("helm.upgrad", ["helm.upgrade", "helm.rollback", "http.check"])).toEqual([
      "helm.upgrade",
    ]);
  });
  it("offers nothing for unrelated names", () => {
    expect(closestNames("frobnicate", fields)).toEqual([]);
    expect(didYouMean("zz", fields)).toBe("");
  });
  it("phrases the suggestion as a sentence", () => {
    expect(didYouMean("timout", fields)).toBe(' Did you mean "timeout"?');
  });
});

describe("suggestedNames", () => {
  it("reads back the names every stage's phrase suggests, in either quote", () => {
    expect(
      suggestedNames(`Unknown action "helm.upgrad".${didYouMean("helm.upgrad", ["helm.upgrade"])}`),
    ).toEqual(["helm.upgrade"]);
    expect(suggestedNames(`unknown name 'stpes'.${suggestion("stpes", ["steps", "params"])}`)).toEqual([
      "steps",
    ]);
    expect(suggestedNames(`x.${didYouMeanPhrase(["a", "b"], "'")} Available: a, b.`)).toEqual(["a", "b"]);
    expect(suggestedNames("no suggestion here")).toEqual([]);
  });
});
