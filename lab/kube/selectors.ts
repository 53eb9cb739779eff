// Label selectors (=, ==, !=, in, notin, exists, !key) and the field selectors clients use.
import { badRequest } from "./errors.js";
import { getPath, type KObject } from "./types.js";

/** One requirement of a label selector. */
export interface Requirement {
  key: string;
  op: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

/** Parse `a=b,c!=d,e in (x,y),f notin (z),g,!h`; throws 400 on bad syntax. */
export function parseLabelSelector(text: string): Requirement[] {
  const out: Requirement[] = [];
  let i = 0;
  const s = text.trim();
  const skipWs = () => {
    while (s[i] === " ") i++;
  };
  const word = () => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._\-/]/.test(s[i] ?? "")) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === "!") {
      i++;
      const key = word();
      if (!key) throw badRequest(`invalid label selector "${text}"`);
      out.push({ key, op: "!", values: [] });
    } else {
      const key = word();
      if (!key) throw badRequest(`invalid label selector "${text}"`);
      skipWs();
      if (s.startsWith("==", i) || s.startsWith("!=", i)) {
        const op = s.startsWith("!=", i) ? "!=" : "=";
        i += 2;
        out.push({ key, op, values: [word()] });
      } else if (s[i] === "=") {
        i++;
        out.push({ key, op: "=", values: [word()] });
      } else if (/^(in|notin)\s*\(/.test(s.slice(i))) {
        const op = s.startsWith("notin", i) ? "notin" : "in";
        i = s.indexOf("(", i) + 1;
        const close = s.indexOf(")", i);
        if (close < 0) throw badRequest(`invalid label selector "${text}": missing ")"`);
        const values = s
          .slice(i, close)
          .split(",")
          .map((v) => v.trim())
          .filter((v) => v !== "");
        i = close + 1;
        out.push({ key, op, values });
      } else {
        out.push({ key, op: "exists", values: [] });
      }
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ",") throw badRequest(`invalid label selector "${text}"`);
      i++;
    }
  }
  return out;
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(
  reqs: readonly Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.values[0];
      case "!=":
        return !has || v !== r.values[0];
      case "in":
        return has && r.values.includes(v ?? "");
      case "notin":
        return !has || !r.values.includes(v ?? "");
      case "exists":
        return has;
      case "!":
        return !has;
    }
    return false;
  });
}

/** Requirements equivalent to a LabelSelector object (matchLabels + matchExpressions). */
export function fromLabelSelector(sel: unknown): Requirement[] {
  const out: Requirement[] = [];
  const m = getPath(sel, ["matchLabels"]);
  if (m && typeof m === "object") {
    for (const [k, v] of Object.entries(m as Record<string, string>))
      out.push({ key: k, op: "=", values: [v] });
  }
  const exprs = getPath(sel, ["matchExpressions"]);
  if (Array.isArray(exprs)) {
    for (const e of exprs as { key: string; operator: string; values?: string[] }[]) {
      const op = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" }[
        e.operator
      ] as Requirement["op"];
      out.push({ key: e.key, op, values: e.values ?? [] });
    }
  }
  return out;
}

/** Render matchLabels as a selector string (for Scale status and logs). */
export function selectorString(sel: unknown): string {
  return fromLabelSelector(sel)
    .map((r) =>
      r.op === "="
        ? `${r.key}=${r.values[0]}`
        : r.op === "exists"
          ? r.key
          : `${r.key} ${r.op} (${r.values.join(",")})`,
    )
    .join(",");
}

/** One field selector term. */
export interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

/** Parse `metadata.name=x,metadata.namespace!=y`. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (!text.trim()) return [];
  return text.split(",").map((term) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid field selector "${text}"`);
    return { path: m[1] ?? "", negate: m[2] === "!=", value: m[3] ?? "" };
  });
}

/** True when the object's fields satisfy the field selector. */
export function matchesFields(reqs: readonly FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => {
    const v = getPath(obj, r.path.split("."));
    const s = v === undefined || v === null ? "" : String(v);
    return r.negate ? s !== r.value : s === r.value;
  });
}
