/**
 * `obj[key]` if `key` is an own property, else undefined — needed for keys that every object
 * inherits (`constructor`, `valueOf`, `__proto__`, …), which are legal field names.
 */
export function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return isInheritedName(key) && !Object.hasOwn(obj, key) ? undefined : obj[key]
}

/** True for names every plain object answers through its prototype. */
export function isInheritedName(key: string): boolean {
  return key in Object.prototype
}
