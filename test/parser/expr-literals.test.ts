// Int literals decode to exactly the value BigInt reads from their text, on both sides of the short-token fast
// path (15 characters), in decimal and hex, with leading zeros, negated, and at the edges of the int64 range.
import { describe, expect, it } from "vitest";
import { INT64_MAX } from "../../src/contract/cel-values.js";
import { decodeInt } from "../../src/parser/expr/literals.js";

/** What decodeInt must give: BigInt's reading of the text, range-checked. */
function reference(token: string, negated: boolean): string {
  const v = BigInt(token);
  if (v > (negated ? INT64_MAX + 1n : INT64_MAX)) return "out of range";
  return String(negated ? -v : v);
}

function decoded(token: string, negated: boolean): string {
  const d = decodeInt(token, negated);
  if (!d.ok) return "out of range";
  expect(typeof d.value).toBe("bigint");
  return String(d.value);
}

function tokens(): string[] {
  const out = ["0", "00", "007", "255", "256", "0x0", "0XfF", "0x100", "9223372036854775807"];
  out.push("9223372036854775808", "9223372036854775809", "0x7fffffffffffffff", "0x8000000000000000");
  // Every length from 1 to 20 digits, each digit value, and hex up to 18 digits, around the 15-character edge.
  for (let n = 1; n <= 20; n++) for (const d of "0123456789") out.push(d.repeat(n), `1${"0".repeat(n - 1)}`);
  for (let n = 1; n <= 18; n++)
    for (const d of "09afAF") out.push(`0x${d.repeat(n)}`, `0X1${"0".repeat(n - 1)}`);
  return out;
}

describe("int literal decoding", () => {
  it("gives BigInt's value of the text, or the range problem, for every token shape", () => {
    const texts = tokens();
    expect(texts.length).toBeGreaterThan(400);
    for (const t of texts)
      for (const negated of [false, true])
        expect({ t, negated, v: decoded(t, negated) }).toEqual({ t, negated, v: reference(t, negated) });
  });
});
