import type { Options } from "ajv";

/**
 * How the service schema's validator is built, at build time (`scripts/shape-validator.js` writes it as
 * standalone code) and, where no generated validator exists (a development build), when first used.
 * `allErrors`: every problem at once. `strictNumbers`: NaN and Infinity are not numbers here
 * (`strict: false` would let them through). `verbose`: errors carry the data and the parent schema,
 * for messages and suggestions.
 */
export const shapeValidatorOptions: Options = {
  allErrors: true,
  strict: false,
  strictNumbers: true,
  verbose: true,
};

/** The generated validator's module, beside `shape.js`. */
export const generatedValidatorModule = "shape-validator";
