// Timestamptz text ⇄ microseconds as Milvus 2.6 (timestamptz.ParseTimeTz, FormatTimeMicroWithoutTrailingZeros,
// segcore's interval arithmetic): checked against Date for instants, with fixed expectations for Go's rules.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addInterval, formatTimestamptz, isTimezoneValid, parseInterval, parseTimestamptz } from './timestamptz.ts'

const micros = (text: string, tz?: string) => {
  const p = parseTimestamptz(text, tz)
  assert.ok('micros' in p, `${text}: ${'problem' in p ? p.problem : ''}`)
  return p.micros
}
const problem = (text: string) => {
  const p = parseTimestamptz(text)
  assert.ok('problem' in p, `${text} parsed`)
  return p.problem
}

test('RFC 3339 with an offset, Z, fractions, space separator and short offsets', () => {
  assert.equal(micros('1984-04-14T15:00:00+08:00'), BigInt(Date.parse('1984-04-14T07:00:00Z')) * 1000n)
  assert.equal(micros('2024-10-23T15:30:00.123456Z'), 1729697400123456n)
  assert.equal(micros('2024-10-23T15:30:00.123456789Z'), 1729697400123456n, 'nanoseconds are truncated to microseconds')
  assert.equal(micros('2024-10-23 23:30:00.123456+08'), 1729697400123456n)
  assert.equal(micros('1969-12-31T23:59:59.5Z'), -500000n)
  assert.equal(micros('0050-06-01T00:00:00Z'), BigInt(new Date('0050-06-01T00:00:00Z').getTime()) * 1000n, 'years below 100 are not 19xx')
})

test('naive text is read in the default timezone, DST included', () => {
  assert.equal(micros('2024-01-02T03:04:05', 'Asia/Shanghai'), BigInt(Date.parse('2024-01-02T03:04:05+08:00')) * 1000n)
  assert.equal(micros('2024-07-02 03:04:05', 'America/New_York'), BigInt(Date.parse('2024-07-02T03:04:05-04:00')) * 1000n)
  assert.equal(micros('2024-01-02T03:04:05', 'America/New_York'), BigInt(Date.parse('2024-01-02T03:04:05-05:00')) * 1000n)
  assert.equal(micros('2024-01-02T03:04:05'), BigInt(Date.parse('2024-01-02T03:04:05Z')) * 1000n)
})

test("Milvus's refusals and their wording", () => {
  assert.equal(problem('2024-01-01'), "invalid timestamp string: '2024-01-01'. Does not match any known format")
  assert.match(problem('2024-02-30T00:00:00Z'), /Does not match any known format/)
  assert.match(problem('2024-01-01T24:00:00Z'), /Does not match any known format/)
  assert.match(problem('2024-01-01T00:00:00+08'), /Does not match any known format/, "a short offset needs the space layout, as Go's")
  assert.equal(problem('2024-01-01T00:00:00+15:00'), 'UTC offset hour 15 is out of the valid range [-12, 14]')
  assert.equal(problem('2024-01-01T00:00:00-13:00'), 'UTC offset hour -13 is out of the valid range [-12, 14]')
  assert.match(problem('x'.repeat(10_000)), /…'/, 'long text is clipped in the message')
})

test('formatting: the zone offset, Z at zero, at most 6 fraction digits without trailing zeros', () => {
  assert.equal(formatTimestamptz(1729697400123456n), '2024-10-23T15:30:00.123456Z')
  assert.equal(formatTimestamptz(1729697400120000n, 'America/New_York'), '2024-10-23T11:30:00.12-04:00')
  assert.equal(formatTimestamptz(1729697400000000n, 'Asia/Kolkata'), '2024-10-23T21:00:00+05:30')
  assert.equal(formatTimestamptz(-1500000n), '1969-12-31T23:59:58.5Z')
  assert.equal(formatTimestamptz(0n, 'Europe/London'), '1970-01-01T01:00:00+01:00')
  for (const text of ['2024-02-29T23:59:59.999999Z', '1900-01-01T00:00:00Z', '0050-01-01T00:00:00Z', '2262-04-11T23:47:16.854775Z']) assert.equal(formatTimestamptz(micros(text)), text)
})

test('timezone names: IANA as Go loads them', () => {
  for (const tz of ['UTC', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Etc/GMT+8']) assert.ok(isTimezoneValid(tz), tz)
  for (const tz of ['', 'asia/shanghai', 'Mars/Olympus', '+08:00', 'UTC ', 42]) assert.equal(isTimezoneValid(tz), false, String(tz))
})

test('ISO 8601 durations and the UTC calendar shift (timegm normalisation)', () => {
  assert.deepEqual(parseInterval('P1Y2M3DT4H5M6S'), { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 })
  assert.deepEqual(parseInterval('PT2M'), { years: 0, months: 0, days: 0, hours: 0, minutes: 2, seconds: 0 })
  assert.deepEqual(parseInterval('P'), { years: 0, months: 0, days: 0, hours: 0, minutes: 0, seconds: 0 })
  for (const bad of ['', '1Y', 'P1H', 'P1Y2X', 'P-1D']) assert.equal(parseInterval(bad), undefined, bad)
  const jan31 = micros('2023-01-31T10:00:00.5Z')
  assert.equal(formatTimestamptz(addInterval(jan31, parseInterval('P1M')!, 1)), '2023-03-03T10:00:00.5Z')
  assert.equal(formatTimestamptz(addInterval(jan31, parseInterval('P1DT2H')!, -1)), '2023-01-30T08:00:00.5Z')
  assert.equal(formatTimestamptz(addInterval(micros('2024-02-29T00:00:00Z'), parseInterval('P1Y')!, 1)), '2025-03-01T00:00:00Z')
  assert.equal(formatTimestamptz(addInterval(-1n, parseInterval('PT1S')!, 1)), '1970-01-01T00:00:00.999999Z')
})
