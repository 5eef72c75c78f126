import { createRequire } from 'node:module'
import type * as ArrowModule from 'apache-arrow'

/**
 * apache-arrow, loaded from its one-file build (`Arrow.esnext.min.js`: the same classes, IPC reader
 * and writer as its ES-module build, without the Node stream adapters, which Quiver does not use).
 * The ES-module build is 134 files: loading it took ~0.2 s of CPU at every start of `quiver serve`
 * and `Quiver.open` (docs/operations.md, "Restart and shutdown"); this one ~0.02 s. Same files on disk.
 * Types come from the package as usual (`import type … from 'apache-arrow'`). Classes of this copy
 * are not those of a caller's `apache-arrow` import: tell Arrow objects by shape, not `instanceof`.
 */
export const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof ArrowModule
