import { errors } from '../errors/errors.ts'
import type { ConfigKeySpec, ConfigKind, ConfigValue } from './config-keys.ts'

/**
 * Checks one raw value of a key against its kind. YAML gives typed values (numbers, booleans);
 * environment variables and flags give strings, which are read as the kind demands. A wrong value
 * throws 1100 naming the key, the value, where it came from and what was expected.
 */
export function parseConfigValue(spec: ConfigKeySpec, raw: unknown, source: string): ConfigValue {
  const value = typeof raw === 'string' ? fromString(spec.kind, raw.trim()) : raw
  if (!accepts(spec.kind, value)) {
    throw errors.invalid(`invalid configuration value: expected ${expectation(spec.kind)}`, { key: spec.key, value: show(raw), source })
  }
  return value
}

/** Strings become numbers or booleans where the kind is one; anything unreadable stays a string and fails `accepts`. */
function fromString(kind: ConfigKind, text: string): unknown {
  switch (kind.type) {
    case 'port':
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'enum':
      return kind.values.some((v) => typeof v === 'number') && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text
    case 'string':
      return text
  }
}

function accepts(kind: ConfigKind, value: unknown): value is ConfigValue {
  switch (kind.type) {
    case 'port':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535
    case 'number':
      return (
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (kind.minExclusive === true ? value > kind.min : value >= kind.min) &&
        (kind.max === undefined || value <= kind.max)
      )
    case 'boolean':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string' && (!kind.nonEmpty || value !== '')
    case 'enum':
      return (typeof value === 'string' || typeof value === 'number') && kind.values.includes(value)
  }
}

function expectation(kind: ConfigKind): string {
  switch (kind.type) {
    case 'port':
      return 'an integer port in [0, 65535]'
    case 'number':
      return `a number ${kind.minExclusive === true ? '>' : '>='} ${kind.min}${kind.max === undefined ? '' : ` and <= ${kind.max}`}`
    case 'boolean':
      return 'true or false'
    case 'string':
      return kind.nonEmpty ? 'a non-empty string' : 'a string'
    case 'enum':
      return `one of ${kind.values.join(', ')}`
  }
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw)
  if (raw === null || typeof raw !== 'object') return String(raw)
  return Array.isArray(raw) ? 'a list' : 'a mapping'
}
