import { DEFAULT_TIMEZONE, formatTimestamptz, parseTimestamptz } from '../common/timestamptz.ts'

/** `ISO '<naive timestamp>'` in a filter: a timestamp without `Z` or an offset, in either quote. */
const naiveIsoLiteral = /\b([Ii][Ss][Oo])(\s*)(['"])(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)\3/g

/**
 * Milvus reads an ISO literal without an offset in the read's timezone (the request's, else the
 * collection's). The filter planner reads such text in UTC, so before planning each one is rewritten
 * as the same instant in UTC (`ISO '2025-01-01 08:00:00'` in Asia/Shanghai → `ISO '2025-01-01T00:00:00Z'`).
 * The rewritten text is also the filter cache's key, so plans of different timezones never mix.
 */
export function localizeIsoLiterals(filter: string, timezone: string): string {
  if (timezone === DEFAULT_TIMEZONE || !/iso/i.test(filter)) return filter
  return filter.replace(naiveIsoLiteral, (whole, iso: string, space: string, quote: string, text: string) => {
    const parsed = parseTimestamptz(text, timezone)
    return 'micros' in parsed ? `${iso}${space}${quote}${formatTimestamptz(parsed.micros, DEFAULT_TIMEZONE)}${quote}` : whole
  })
}
