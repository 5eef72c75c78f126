import { errors } from '../errors/errors.ts'
import { hasControlCharacter } from './credentials.ts'

/** Milvus proxy limits: `proxy.maxUsernameLength`, `proxy.minPasswordLength`, `proxy.maxPasswordLength`, `proxy.maxNameLength`. */
export const authLimits = {
  userNameLengthMax: 32,
  roleNameLengthMax: 255,
  passwordBytesMin: 6,
  passwordBytesMax: 72,
} as const

/** Milvus `ValidateUsername`: a letter first, then letters, digits and underscores; at most 32 characters. */
export function validateUserName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw errors.invalid('username must be not empty')
  if (name.length > authLimits.userNameLengthMax) {
    throw errors.invalid(`invalid username ${name} with length ${name.length}, the length of username must be less than ${authLimits.userNameLengthMax}`)
  }
  if (!isLetter(name[0]!)) throw errors.invalid(`invalid user name ${name}, the first character must be a letter, but got ${name[0]}`)
  for (const ch of name) {
    if (ch !== '_' && !isLetter(ch) && !isDigit(ch)) {
      throw errors.invalid(`invalid user name ${name}, username must contain only numbers, letters and underscores, but got ${ch}`)
    }
  }
  return name
}

/** Milvus `ValidateRoleName`: an underscore or letter first, then letters, digits and underscores; at most 255. */
export function validateRoleName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw errors.invalid('role name should be not empty')
  if (name.length > authLimits.roleNameLengthMax) {
    throw errors.invalid(`invalid role name ${name}, the length of role name must be not greater than limit ${authLimits.roleNameLengthMax}`)
  }
  if (name[0] !== '_' && !isLetter(name[0]!)) throw errors.invalid(`invalid role name ${name}, the first character of role name must be an underscore or letter`)
  for (const ch of name) {
    if (ch !== '_' && !isLetter(ch) && !isDigit(ch)) {
      throw errors.invalid(`invalid role name ${name}, role name can only contain numbers, letters and underscores`)
    }
  }
  return name
}

/** Milvus `ValidatePrivilegeGroupName`: an underscore or letter first, then letters, digits and underscores; at most 255. */
export function validatePrivilegeGroupName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw errors.invalid('privilege group name should not be empty')
  if (name.length > authLimits.roleNameLengthMax) {
    throw errors.invalid(`the length of a privilege group name ${name} must be less than ${authLimits.roleNameLengthMax} characters`)
  }
  if (name[0] !== '_' && !isLetter(name[0]!)) throw errors.invalid(`the first character of a privilege group name ${name} must be an underscore or letter`)
  for (const ch of name) {
    if (ch !== '_' && !isLetter(ch) && !isDigit(ch)) throw errors.invalid(`privilege group name ${name} can only contain numbers, letters and underscores`)
  }
  return name
}

/**
 * Milvus `ValidatePassword`: 6 to 72 bytes of UTF-8; and no control characters, which credentials
 * may not carry (credentials.ts), so such a password could never log in. The message never contains the password.
 */
export function validatePassword(password: unknown): string {
  if (typeof password !== 'string') throw errors.invalid('password must be a string')
  if (hasControlCharacter(password)) throw errors.invalid('invalid password: control characters are not allowed')
  const bytes = Buffer.byteLength(password, 'utf8')
  if (bytes < authLimits.passwordBytesMin || bytes > authLimits.passwordBytesMax) {
    throw errors.invalid(
      `invalid password length: value out of range ${authLimits.passwordBytesMin} <= value <= ${authLimits.passwordBytesMax}, got ${bytes} bytes`,
    )
  }
  return password
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9'
}
