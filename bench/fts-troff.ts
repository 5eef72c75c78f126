/**
 * Manual pages (troff with the `man` macros) to plain-text paragraphs, for the full-text benchmark's
 * corpus (`fts-corpus.ts`). Not a troff implementation: it keeps the words a reader sees and drops
 * formatting, so a paragraph is the text between two paragraph macros (`.PP`, `.TP`, `.SH`, ...).
 */

export interface ManParagraph {
  /** The section heading the paragraph sits under (`NAME`, `DESCRIPTION`, ...; as written). */
  readonly section: string
  readonly text: string
}

export interface ManPage {
  /** `.TH` name and section, e.g. `open(2)`; the file name when `.TH` is missing. */
  readonly title: string
  readonly paragraphs: ManParagraph[]
}

/** Macros that end the current paragraph (their arguments, if any, are not body text). */
const breaking = new Set(['PP', 'LP', 'P', 'TP', 'TQ', 'IP', 'HP', 'RS', 'RE', 'nf', 'fi', 'EX', 'EE', 'in', 'sp', 'br', 'ne', 'ti', 'SY', 'YS', 'TS', 'TE', 'PD', 'ad', 'na', 'hy', 'nh', 'ft', 'ps', 'vs', 'ta', 'bp', 'de', 'ig', 'if', 'ie', 'el', 'ds', 'nr', 'so', 'ce', 'ul', 'cu', 'lf', 'tr', 'mso', 'pc', 'UR', 'UE', 'MT', 'ME', 'DT', 'OP'])
/** Font macros whose arguments are body text: alternating ones join their arguments without spaces. */
const fontJoin = new Set(['BR', 'RB', 'BI', 'IB', 'IR', 'RI'])
const fontSpace = new Set(['B', 'I', 'SM', 'SB'])

/** Removes troff escapes from one line of text, keeping the characters they stand for. */
export function stripEscapes(line: string): string {
  return line
    .replace(/\\f(\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\s[+-]?\d+/g, '')
    .replace(/\\\*(\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\\(em|\\\(en|\\\[em\]|\\\[en\]/g, ' - ')
    .replace(/\\\(aq|\\\(cq|\\\(oq/g, "'")
    .replace(/\\\(dq|\\\(lq|\\\(rq/g, '"')
    .replace(/\\\(..|\\\[[^\]]*\]/g, ' ')
    .replace(/\\[-]/g, '-')
    .replace(/\\e/g, '\u0000')
    .replace(/\\[&%:|^c,/]/g, '')
    .replace(/\\[ ~0]/g, ' ')
    .replace(/\\(.)/g, '$1')
    .replace(/\u0000/g, '\\')
}

/** Splits a macro line's arguments as troff does: spaces separate, double quotes group. */
function macroArgs(rest: string): string[] {
  const out: string[] = []
  const re = /"((?:[^"]|"")*)"?|(\S+)/g
  for (const m of rest.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!)
  return out
}

/** Parses one manual page; `fallbackTitle` names it when it has no `.TH`. */
export function parseManPage(source: string, fallbackTitle: string): ManPage {
  let title = fallbackTitle
  let section = ''
  const paragraphs: ManParagraph[] = []
  let current: string[] = []
  let skipping = false // inside .ig / .de blocks
  const flush = (): void => {
    const text = current.join(' ').replace(/\s+/g, ' ').trim()
    if (text.length > 0) paragraphs.push({ section, text })
    current = []
  }
  for (const raw of source.split('\n')) {
    if (skipping) {
      if (raw.startsWith('..')) skipping = false
      continue
    }
    if (raw.startsWith('.\\"') || raw.startsWith("'\\\"") || raw === '.') continue
    if (raw.startsWith('.') || raw.startsWith("'")) {
      const m = /^[.'][ \t]*(\S+)[ \t]*(.*)$/.exec(raw)
      if (m === null) continue
      const [, name, rest] = m as unknown as [string, string, string]
      if (name === 'TH') {
        const a = macroArgs(rest)
        if (a[0] !== undefined) title = `${stripEscapes(a[0])}(${a[1] ?? ''})`
      } else if (name === 'SH' || name === 'SS') {
        flush()
        const heading = stripEscapes(macroArgs(rest).join(' ')).trim()
        if (name === 'SH') section = heading
        continue
      } else if (name === 'ig' || name === 'de') {
        flush()
        skipping = true
      } else if (fontJoin.has(name)) {
        current.push(stripEscapes(macroArgs(rest).join('')))
      } else if (fontSpace.has(name)) {
        current.push(stripEscapes(macroArgs(rest).join(' ')))
      } else if (breaking.has(name)) {
        flush()
      }
      continue
    }
    current.push(stripEscapes(raw))
  }
  flush()
  return { title, paragraphs }
}
