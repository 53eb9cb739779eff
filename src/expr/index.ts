// The expression language's public API: compile, evaluate, templates, and the CEL ↔ JavaScript value mapping.
export type { FunctionDecl, FunctionOverload, TypeEnv } from "../check/type-env.js";
export { typeEnv } from "../check/type-env.js";
export { parseType } from "../check/type-utils.js";
export { type CelType, T, typeName } from "../contract/cel-types.js";
export {
  type Bindings,
  CelDuration,
  CelError,
  type CelKey,
  type CelResult,
  CelSemver,
  CelTimestamp,
  CelTypeValue,
  CelUint,
  type CelValue,
  isError,
  runtimeTypeName,
} from "../contract/cel-values.js";
export { analyze, type CompileOptions, type CompileResult, compile } from "./compile.js";
export { displayValue } from "./display.js";
export { inferType } from "./infer-type.js";
export { fromCel, toCel } from "./js-values.js";
export { DEFAULT_COST_LIMIT, type EvaluateOptions, Program } from "./program.js";
export { celToString } from "./stdlib/text.js";
export { compileTemplate, isWholeExpression, splitTemplate, type TemplatePiece } from "./template.js";
