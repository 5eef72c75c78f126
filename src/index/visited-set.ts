/**
 * Which rows one traversal has visited, reused across traversals: a tag per row and an epoch; a row is
 * visited iff its tag equals the current epoch, so starting a traversal is O(1) (a full reset only
 * when the 16-bit epoch wraps, once every 65535 traversals).
 */
export class VisitedSet {
  private readonly tags: Uint16Array
  private epoch = 0

  constructor(rowCount: number) {
    this.tags = new Uint16Array(rowCount)
  }

  /** Starts a traversal: every row unvisited. */
  reset(): void {
    this.epoch++
    if (this.epoch === 0x10000) {
      this.tags.fill(0)
      this.epoch = 1
    }
  }

  /** Marks `row` visited; false when it already was. */
  visit(row: number): boolean {
    if (this.tags[row] === this.epoch) return false
    this.tags[row] = this.epoch
    return true
  }
}
