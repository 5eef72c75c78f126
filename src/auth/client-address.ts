import { isIPv6 } from 'node:net'

/** IPv6 addresses are grouped by their first 64 bits: one host usually holds a whole /64. */
const IPV6_GROUPS_KEPT = 4

/**
 * The key a client's failed logins are counted under: an IPv4 address as is (also when it arrives
 * IPv4-mapped, `::ffff:10.0.0.1`), an IPv6 address by its /64 prefix (`2001:db8:0:1::/64`), anything
 * else verbatim. Undefined (an in-process caller) stays undefined: it is never backed off.
 */
export function clientKeyOf(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return mapped[1]
  if (!isIPv6(address)) return address
  return `${expandIPv6(address).slice(0, IPV6_GROUPS_KEPT).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, `::` expanded, leading zeros removed). */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0]!.toLowerCase()
  const [head = '', tail] = bare.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const fill = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0')
  return [...left, ...fill, ...right].map((g) => (g.includes('.') ? g : g.replace(/^0+(?=.)/, '')))
}
