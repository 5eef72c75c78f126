import type { HandlerTable } from '../handler.ts'
import { sdkRequest } from '../handler.ts'

/** RunAnalyzer: the texts arrive as UTF-8 bytes in `placeholder`, the analyzer as JSON text (or a collection field). */
export const analyzerHandlers: HandlerTable = {
  RunAnalyzer: (req, ctx, { client }) =>
    client.runAnalyzer(
      sdkRequest(ctx, {
        analyzer_params: req.analyzer_params ?? '',
        text: ((req.placeholder ?? []) as Uint8Array[]).map((b) => Buffer.from(b).toString('utf8')),
        with_detail: req.with_detail === true,
        with_hash: req.with_hash === true,
        collection_name: req.collection_name ?? '',
        field_name: req.field_name ?? '',
        analyzer_names: req.analyzer_names ?? [],
      }),
    ),
}
