/**
 * Test-only: random WKT shapes on a small integer grid (so that touching, shared edges and equal
 * shapes are common), seeded. Points, lines, axis-aligned and triangular polygons (some with a
 * hole), their multi- forms, collections, and now and then an empty or self-crossing one.
 */
export function randomShapes(count: number, seed: number, grid = 20): string[] {
  let s = seed >>> 0 || 1
  const rnd = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(rnd() * n)
  const pt = () => `${int(grid)} ${int(grid)}`
  const line = () => `(${pt()}, ${pt()}${rnd() < 0.5 ? `, ${pt()}` : ''})`
  const rect = () => {
    const x = int(grid - 2), y = int(grid - 2), w = 1 + int(grid / 2), h = 1 + int(grid / 2)
    const hole = w > 3 && h > 3 && rnd() < 0.3 ? `, (${x + 1} ${y + 1}, ${x + 2} ${y + 1}, ${x + 2} ${y + 2}, ${x + 1} ${y + 2}, ${x + 1} ${y + 1})` : ''
    return `((${x} ${y}, ${x + w} ${y}, ${x + w} ${y + h}, ${x} ${y + h}, ${x} ${y})${hole})`
  }
  const tri = () => {
    const a = pt(), b = pt(), c = pt()
    return `((${a}, ${b}, ${c}, ${a}))`
  }
  const poly = () => (rnd() < 0.7 ? rect() : tri())
  const one = (): string => {
    switch (int(10)) {
      case 0:
        return `POINT (${pt()})`
      case 1:
        return `LINESTRING ${line()}`
      case 2:
      case 3:
        return `POLYGON ${poly()}`
      case 4:
        return `MULTIPOINT ((${pt()}), (${pt()}))`
      case 5:
        return `MULTILINESTRING (${line()}, ${line()})`
      case 6:
        return `MULTIPOLYGON (${rect()}, ${rect()})`
      case 7:
        return `GEOMETRYCOLLECTION (POINT (${pt()}), LINESTRING ${line()})`
      case 8:
        return rnd() < 0.2 ? 'POLYGON EMPTY' : `POINT (${pt()})`
      default:
        return `POLYGON ${rect()}`
    }
  }
  return Array.from({ length: count }, one)
}
