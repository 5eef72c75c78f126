/**
 * Timestamptz values as Milvus 2.6 reads and writes them: int64 microseconds since the epoch (UTC)
 * inside, RFC 3339 / ISO 8601 text outside. Parsing follows Milvus's `timestamptz.ParseTimeTz`
 * (an offset in the text wins; naive text is read in a default IANA timezone; offsets limited to
 * [-12:00, +14:00]); formatting follows `FormatTimeMicroWithoutTrailingZeros` (RFC 3339 in the
 * target timezone, at most 6 fraction digits, trailing zeros dropped, `Z` for a zero offset).
 * Timezones are IANA names resolved with the runtime's ICU data (`Intl`).
 */

/** Offsets Milvus accepts in timestamp text, in seconds ([-12:00, +14:00]). */
export const TZ_OFFSET_SECONDS_MIN = -12 * 3600
export const TZ_OFFSET_SECONDS_MAX = 14 * 3600
export const DEFAULT_TIMEZONE = 'UTC'

/** `YYYY-MM-DD(T| )HH:MM:SS[.fraction][Z|±HH:MM|±HH]` (Milvus's RFC 3339 and PostgreSQL-style layouts). */
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}|[+-]\d{2})?$/
const ianaShape = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/
/** Longest timestamp text parsed (a 9-digit fraction and an offset fit well within it). */
const timestampCharsMax = 64

/** A parse result: microseconds, or why the text is not a timestamp. */
export type ParsedTimestamp = { readonly micros: bigint } | { readonly problem: string }

const formatters = new Map<string, Intl.DateTimeFormat>()

/** True for an IANA timezone name Milvus would load (`Asia/Shanghai`, `UTC`, `Etc/GMT+8`). */
export function isTimezoneValid(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '' || tz.length > 64) return false
  // The default needs no ICU look-up (the first one loads ICU's zone data: ~0.1 s on a first write).
  if (tz === DEFAULT_TIMEZONE) return true
  // Every read checks its collection's timezone: the answer is remembered (bounded; names are ≤ 64 chars).
  const known = validity.get(tz)
  if (known !== undefined) return known
  const valid = checkTimezone(tz)
  if (validity.size >= VALIDITY_ENTRIES_MAX) validity.clear()
  validity.set(tz, valid)
  return valid
}

const validity = new Map<string, boolean>()
const VALIDITY_ENTRIES_MAX = 1024

function checkTimezone(tz: string): boolean {
  if (tz === '' || tz.length > 64 || !ianaShape.test(tz)) return false
  try {
    // ICU matches names case-insensitively; Go's zoneinfo lookup (Milvus) does not.
    const resolved = formatterOf(tz).resolvedOptions().timeZone
    return resolved === tz || resolved.toLowerCase() !== tz.toLowerCase()
  } catch {
    return false
  }
}

function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', era: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    if (formatters.size > 1024) formatters.clear()
    formatters.set(tz, f)
  }
  return f
}

/**
 * Offsets are asked per 15-minute bucket (every zone's transitions in current tzdata fall on a
 * quarter hour), so rendering many rows calls `Intl` once per bucket and zone, not per row.
 */
const offsetBucketMs = 15 * 60 * 1000
const offsetCacheEntriesMax = 65_536
const offsetCache = new Map<string, Map<number, number>>()

/** The UTC offset of `tz` at the instant `epochMs`, in milliseconds. */
export function timezoneOffsetMs(tz: string, epochMs: number): number {
  if (tz === 'UTC') return 0
  const bucket = Math.floor(epochMs / offsetBucketMs)
  let byBucket = offsetCache.get(tz)
  if (byBucket === undefined) {
    if (offsetCache.size > 1024) offsetCache.clear()
    byBucket = new Map()
    offsetCache.set(tz, byBucket)
  }
  const hit = byBucket.get(bucket)
  if (hit !== undefined) return hit
  if (byBucket.size >= offsetCacheEntriesMax) byBucket.clear()
  const offset = intlOffsetMs(tz, bucket * offsetBucketMs)
  byBucket.set(bucket, offset)
  return offset
}

function intlOffsetMs(tz: string, epochMs: number): number {
  const instant = Math.floor(epochMs / 1000) * 1000
  const parts = formatterOf(tz).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const bc = parts.find((p) => p.type === 'era')?.value === 'BC'
  const wall = utcMs(bc ? 1 - get('year') : get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second'))
  return wall - instant
}

/** Milliseconds of a UTC wall time; fields may overflow (normalised as `timegm` does), years 0–99 too. */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  d.setUTCHours(hour, minute, second, 0)
  return d.getTime()
}

/**
 * Timestamp text → microseconds since the epoch. Naive text (no `Z` or offset) is read in
 * `defaultTz` (which must be valid). The problem text is Milvus's.
 */
export function parseTimestamptz(text: string, defaultTz: string = DEFAULT_TIMEZONE): ParsedTimestamp {
  const m = text.length <= timestampCharsMax ? timestampPattern.exec(text) : null
  if (m === null) return { problem: `invalid timestamp string: '${clip(text)}'. Does not match any known format` }
  const [, y, mo, d, sep, h, mi, s, frac, zone] = m
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s)
  if (sep === 'T' && zone !== undefined && zone !== 'Z' && zone.length === 3) {
    return { problem: `invalid timestamp string: '${clip(text)}'. Does not match any known format` }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { problem: `invalid timestamp string: '${clip(text)}'. Does not match any known format` }
  }
  const wallMs = utcMs(year, month, day, hour, minute, second)
  const fracMicros = frac === undefined ? 0n : BigInt(frac.padEnd(6, '0').slice(0, 6))
  let offsetMs: number
  if (zone === undefined) {
    offsetMs = zoneOffsetForWall(defaultTz, wallMs)
  } else if (zone === 'Z') {
    offsetMs = 0
  } else {
    const sign = zone[0] === '-' ? -1 : 1
    const oh = Number(zone.slice(1, 3)), om = zone.length > 3 ? Number(zone.slice(4, 6)) : 0
    if (om > 59) return { problem: `invalid timestamp string: '${clip(text)}'. Does not match any known format` }
    const offsetSeconds = sign * (oh * 3600 + om * 60)
    if (offsetSeconds > TZ_OFFSET_SECONDS_MAX || offsetSeconds < TZ_OFFSET_SECONDS_MIN) {
      return { problem: `UTC offset hour ${Math.trunc(offsetSeconds / 3600)} is out of the valid range [${TZ_OFFSET_SECONDS_MIN / 3600}, ${TZ_OFFSET_SECONDS_MAX / 3600}]` }
    }
    offsetMs = offsetSeconds * 1000
  }
  return { micros: BigInt(wallMs - offsetMs) * 1000n + fracMicros }
}

/** The offset that makes wall time `wallMs` in `tz` an instant (a DST gap or overlap takes the earlier offset's reading, as Go does). */
function zoneOffsetForWall(tz: string, wallMs: number): number {
  if (tz === 'UTC') return 0
  const first = timezoneOffsetMs(tz, wallMs)
  const second = timezoneOffsetMs(tz, wallMs - first)
  return first === second ? first : timezoneOffsetMs(tz, wallMs - second) === second ? second : first
}

function daysIn(year: number, month: number): number {
  const d = new Date(0)
  d.setUTCFullYear(year, month, 0)
  return d.getUTCDate()
}

function clip(text: string): string {
  return text.length > timestampCharsMax ? `${text.slice(0, timestampCharsMax)}…` : text
}

/** Microseconds → RFC 3339 text in `tz`: `2025-03-20T18:30:00.123+08:00`, `…Z` at a zero offset. */
export function formatTimestamptz(micros: bigint, tz: string = DEFAULT_TIMEZONE): string {
  const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n)
  const subMicros = Number(micros - seconds * 1_000_000n)
  const epochMs = Number(seconds) * 1000
  const offsetMs = timezoneOffsetMs(tz, epochMs)
  const wall = new Date(epochMs + offsetMs)
  const year = wall.getUTCFullYear()
  const yyyy = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0')
  const body = `${yyyy}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}T${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}`
  const fraction = subMicros === 0 ? '' : `.${String(subMicros).padStart(6, '0').replace(/0+$/, '')}`
  return `${body}${fraction}${offsetText(offsetMs)}`
}

function offsetText(offsetMs: number): string {
  if (offsetMs === 0) return 'Z'
  const total = Math.abs(offsetMs) / 60000
  return `${offsetMs < 0 ? '-' : '+'}${two(Math.floor(total / 60))}:${two(total % 60)}`
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** An ISO 8601 duration as Milvus's `Interval` (`P1Y2M3DT4H5M6S`; every part optional). */
export interface TimeInterval {
  readonly years: number
  readonly months: number
  readonly days: number
  readonly hours: number
  readonly minutes: number
  readonly seconds: number
}

const durationPattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/
const intervalPartMax = 2_147_483_647

/** `P1D`, `PT2H`, `P1Y2M3DT4H5M6S` → its parts; undefined when the text is not such a duration. */
export function parseInterval(text: string): TimeInterval | undefined {
  const m = text.length <= 64 ? durationPattern.exec(text) : null
  if (m === null) return undefined
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s))
  const iv = { years: n(m[1]), months: n(m[2]), days: n(m[3]), hours: n(m[4]), minutes: n(m[5]), seconds: n(m[6]) }
  return Object.values(iv).every((v) => v <= intervalPartMax) ? iv : undefined
}

/**
 * `micros ± interval` on the UTC calendar, as Milvus's segcore does (`gmtime`, add each part, `timegm`
 * normalises: Jan 31 + P1M = Mar 3 in a common year); the sub-second part is kept.
 */
export function addInterval(micros: bigint, iv: TimeInterval, sign: 1 | -1): bigint {
  const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n)
  const sub = micros - seconds * 1_000_000n
  const t = new Date(Number(seconds) * 1000)
  const ms = utcMs(
    t.getUTCFullYear() + sign * iv.years, t.getUTCMonth() + 1 + sign * iv.months, t.getUTCDate() + sign * iv.days,
    t.getUTCHours() + sign * iv.hours, t.getUTCMinutes() + sign * iv.minutes, t.getUTCSeconds() + sign * iv.seconds,
  )
  return BigInt(ms) * 1000n + sub
}
