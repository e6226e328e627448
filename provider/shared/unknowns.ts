/**
 * During a preview the engine hands a dynamic provider's `check` and `diff` every input that is not
 * known yet as this string, at any depth (Pulumi's dynamic-provider host passes requests through as
 * they are). Providers validate what is known and pass the rest through.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `value` is the engine's placeholder for a value not known yet. */
export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/** Whether `value` is, or holds at any depth, a value not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Whether `value` is fully known: no placeholder anywhere inside it. */
export function isKnown(value: unknown): boolean {
  return !containsUnknown(value);
}
