import { errors } from '../errors/errors.ts'
import { type CollectionSchema, findField } from '../schema/collection-schema.ts'
import { DataType } from '../schema/data-type.ts'
import { textFieldOptions } from '../schema/text-field.ts'
import { type HighlightData, highlightDefaults, type HighlightOptions, highlightText } from '../text/highlight.ts'
import { analyzerOf } from '../text/text-index-cache.ts'
import type { Database } from './database.ts'
import { searchRows, type SearchHit } from './read-ops.ts'
import type { SearchSpec } from './search-spec.ts'

export type { HighlightData } from '../text/highlight.ts'

/** A hit's highlights by field, as the Node SDK shows them (`hit.highlight[field].fragments`). */
export type HighlightResult = Record<string, HighlightData>
export type HighlightedHit = SearchHit & { readonly highlight?: HighlightResult }

/** Milvus 2.6's Lexical highlighter, read and checked (`highlighterOf`). */
export interface LexicalHighlighter extends HighlightOptions {
  /** `highlight_query`: terms of these texts, analyzed with the field's analyzer, are highlighted in that field. */
  readonly queries: readonly { readonly field: string; readonly text: string }[]
  /** `highlight_search_text`: the BM25 search's query text is highlighted in the function's input field. */
  readonly searchText: boolean
}

type Raw = Record<string, unknown>

/**
 * A search request's `highlighter`, in the SDK form (`{ type, pre_tags, ... }`) or the wire form
 * (`{ type, params: [{ key, value }] }`, values as JSON text); undefined when absent. 1100 naming the
 * option when malformed; the Semantic highlighter (a model service) is refused (Quiver calls none).
 */
export function highlighterOf(raw: unknown): LexicalHighlighter | undefined {
  if (raw === undefined || raw === null) return undefined
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.invalid(`highlighter should be an object, got ${JSON.stringify(raw)}`)
  const r = raw as Raw
  const type = r.type ?? 0
  if (type === 1 || type === 'Semantic' || type === 'semantic') throw errors.notSupported('the Semantic highlighter needs a model service; Quiver calls no model provider')
  if (type !== 0 && type !== 'Lexical' && type !== 'lexical') throw errors.invalid(`unknown highlighter type: ${String(type)}`)
  const p: Raw = Array.isArray(r.params) ? Object.fromEntries((r.params as { key: string; value: unknown }[]).map((kv) => [kv.key, jsonish(kv.value)])) : r
  return {
    preTags: tags(p, 'pre_tags', highlightDefaults.preTags),
    postTags: tags(p, 'post_tags', highlightDefaults.postTags),
    fragmentOffset: int(p, 'fragment_offset', highlightDefaults.fragmentOffset, 0),
    fragmentSize: int(p, 'fragment_size', highlightDefaults.fragmentSize, 1),
    numOfFragments: int(p, 'num_of_fragments', highlightDefaults.numOfFragments, 1),
    queries: queriesOf(p.highlight_query),
    searchText: p.highlight_search_text === true || p.highlight_search_text === 'true',
  }
}

function jsonish(v: unknown): unknown {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}

function tags(p: Raw, key: string, fallback: readonly string[]): readonly string[] {
  const v = p[key]
  if (v === undefined || v === null) return fallback
  const list = typeof v === 'string' ? [v] : v
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === 'string')) throw errors.invalid(`highlighter ${key} should be a non-empty list of strings, got ${JSON.stringify(v)}`)
  return list as string[]
}

function int(p: Raw, key: string, fallback: number, min: number): number {
  const v = p[key]
  if (v === undefined || v === null) return fallback
  const n = typeof v === 'string' ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw errors.invalid(`highlighter ${key} should be an integer >= ${min}, got ${JSON.stringify(v)}`)
  return n
}

function queriesOf(v: unknown): { field: string; text: string }[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw errors.invalid(`highlighter highlight_query should be a list of {type, field, text}, got ${JSON.stringify(v)}`)
  return v.map((q: Raw) => {
    if (q === null || typeof q !== 'object' || typeof q.field !== 'string' || typeof q.text !== 'string') throw errors.invalid(`highlight_query entries need a field and a text, got ${JSON.stringify(q)}`)
    if (typeof q.type !== 'string' || q.type.toLowerCase() !== 'textmatch') throw errors.invalid(`highlight_query type ${JSON.stringify(q.type)} is not supported; only TextMatch`)
    return { field: q.field, text: q.text }
  })
}

/**
 * `searchRows` with Lexical highlighting: each hit gets, per highlighted field, the fragments of its
 * text with the matched terms tagged (`text/highlight.ts`). Terms: the `highlight_query` texts,
 * and with `highlight_search_text` each query's own search text (BM25 search: data are strings),
 * all analyzed with the field's analyzer. The texts are read as output fields; fields the request
 * did not ask for are dropped from the rows again.
 */
export async function searchHighlighted(db: Database, collection: string, spec: SearchSpec, h: LexicalHighlighter): Promise<HighlightedHit[][]> {
  const schema = db.state.collection(collection).schema
  const queryTerms = new Map<string, Set<string>>()
  for (const q of h.queries) {
    const analyzer = fieldAnalyzer(schema, q.field)
    const set = queryTerms.get(q.field) ?? new Set<string>()
    for (const t of analyzerOf(analyzer).analyze(q.text)) set.add(t.text)
    queryTerms.set(q.field, set)
  }
  const search = h.searchText ? searchTextField(schema, spec) : undefined
  const fields = [...new Set([...(search === undefined ? [] : [search.field]), ...queryTerms.keys()])]
  const asked = spec.outputFields
  const extra = asked === undefined ? fields : asked.includes('*') ? [] : fields.filter((f) => !asked.includes(f))
  const hits = await searchRows(db, collection, extra.length === 0 ? spec : { ...spec, outputFields: [...(asked ?? []), ...extra] })
  return hits.map((list, qi) => {
    const searchTerms = search === undefined ? undefined : termsOf(search.analyzer, search.texts[qi])
    return list.map((hit) => {
      const highlight: HighlightResult = {}
      for (const f of fields) {
        const terms = new Set([...(queryTerms.get(f) ?? []), ...(f === search?.field ? (searchTerms ?? []) : [])])
        const text = hit.row[f]
        highlight[f] = typeof text === 'string' ? highlightText(text, analyzerOf(fieldAnalyzer(schema, f)), terms, h) : { fragments: [], scores: [] }
      }
      for (const f of extra) delete hit.row[f]
      return { ...hit, highlight }
    })
  })
}

function termsOf(analyzer: string, text: string | undefined): Set<string> {
  return new Set(text === undefined ? [] : analyzerOf(analyzer).analyze(text).map((t) => t.text))
}

/** The analyzer (JSON of `analyzer_params`, '' for the default) of a VarChar field highlighted. */
function fieldAnalyzer(schema: CollectionSchema, name: string): string {
  const field = findField(schema, name)
  if (field === undefined) throw errors.invalid(`highlight field ${name} not exist`)
  if (field.dataType !== DataType.VarChar) throw errors.invalid(`highlight field ${name} should be a VarChar field with an analyzer`)
  const params = textFieldOptions(field).analyzerParams
  return params === undefined ? '' : JSON.stringify(params)
}

/** The collection functions as the schema may carry them (BM25: a text input → the sparse field searched). */
type SchemaFunctions = { readonly functions?: readonly { readonly type: unknown; readonly inputFieldNames: readonly string[]; readonly outputFieldNames: readonly string[] }[] }

/** `highlight_search_text`: the BM25 function whose output is the searched field, its input field and the search texts (one per query). */
function searchTextField(schema: CollectionSchema, spec: SearchSpec): { field: string; analyzer: string; texts: (string | undefined)[] } {
  const anns = spec.annsField
  const fns = (schema as CollectionSchema & SchemaFunctions).functions ?? []
  const fn = fns.find((f) => (anns === undefined || anns === '' ? true : f.outputFieldNames.includes(anns)) && f.inputFieldNames.length === 1)
  if (fn === undefined) throw errors.invalid('highlight_search_text needs a full text search: a search on the output field of a BM25 function')
  const field = fn.inputFieldNames[0]!
  const v = spec.vectors
  const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : undefined)) : []
  return { field, analyzer: fieldAnalyzer(schema, field), texts }
}
