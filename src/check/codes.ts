// Every diagnostic code the expression checker emits, with what it means; docs/expressions.md lists the same codes.

/** Code → one-line meaning. The SARIF output gives each one rule metadata; tests hold the docs to this list. */
export const checkerCodes: Readonly<Record<string, string>> = {
  "expr-syntax": "the text of an expression does not parse; the caret shows where",
  "reserved-word": "a reserved word used as a name",
  "unknown-identifier": "a name or function that does not exist; lists the near and the available names",
  "unknown-field": "a field the object does not have (e.g. an output field the built-in does not return)",
  "no-matching-overload": "a function or operator applied to the wrong types",
  "wrong-argument-count": "too many or too few arguments",
  "type-mismatch":
    "a value of the wrong type: a when that is not a bool, a string compared with an int, an int field given a string, a template default that does not fit its param",
  "step-not-yet-run": "a step's output read before the step can have run",
  "secret-in-default": "a param default that reads a secret param",
};
