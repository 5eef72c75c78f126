// Proves like patterns are classified into their fast forms and that the glob matcher agrees
// with an anchored RegExp translation on random patterns and strings (fast-check), including
// `_` over astral characters and escaped wildcards.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { compileLikePattern, likeMatches } from './like-pattern.ts'

test('patterns are classified: exact, prefix, suffix, infix, any, glob', () => {
  const kind = (p: string) => {
    const m = compileLikePattern(p)
    return m.kind === 'glob' || m.kind === 'any' ? m.kind : `${m.kind}:${m.text}`
  }
  assert.equal(kind('abc'), 'exact:abc')
  assert.equal(kind('ab%'), 'prefix:ab')
  assert.equal(kind('%ab'), 'suffix:ab')
  assert.equal(kind('%ab%'), 'infix:ab')
  assert.equal(kind('%%ab%%'), 'infix:ab')
  assert.equal(kind('%'), 'any')
  assert.equal(kind('%%'), 'any')
  assert.equal(kind(''), 'exact:')
  assert.equal(kind('a\\%'), 'exact:a%')
  assert.equal(kind('a\\_%'), 'prefix:a_')
  assert.equal(kind('a\\\\%'), 'prefix:a\\')
  assert.equal(kind('a\\d%'), 'prefix:a\\d')
  assert.equal(kind('a_c'), 'glob')
  assert.equal(kind('a%b%c'), 'glob')
  assert.equal(kind('a%b'), 'glob')
})

test('_ matches one code point, also an astral one; % matches across line breaks', () => {
  const m = (p: string, s: string) => likeMatches(compileLikePattern(p), s)
  assert.ok(m('_x', '😀x'))
  assert.ok(!m('__x', '😀x'))
  assert.ok(m('a%b', 'a\nb'))
  assert.ok(m('%a%a%a%', 'xaxaxa'))
  assert.ok(!m('%a%a%a%a%', 'xaxaxa'))
  assert.ok(m('a%', 'a'))
  assert.ok(!m('a_%', 'a'))
})

function regexOf(pattern: string): RegExp {
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    const n = pattern[i + 1]
    if (c === '\\' && (n === '%' || n === '_' || n === '\\')) {
      re += esc(n)
      i++
    } else if (c === '%') re += '.*'
    else if (c === '_') re += '.'
    else re += esc(c)
  }
  return new RegExp(`^${re}$`, 'su')
}

test('the matcher agrees with an anchored RegExp on random patterns and strings', () => {
  const alphabet = fc.constantFrom('a', 'b', '%', '_', '\\', '😀', '.', '\n')
  const pattern = fc.array(alphabet, { maxLength: 8 }).map((xs) => xs.join(''))
  const text = fc.array(fc.constantFrom('a', 'b', '%', '_', '\\', '😀', '.', '\n'), { maxLength: 10 }).map((xs) => xs.join(''))
  fc.assert(
    fc.property(pattern, text, (p, s) => {
      assert.equal(likeMatches(compileLikePattern(p), s), regexOf(p).test(s), `${JSON.stringify(p)} ~ ${JSON.stringify(s)}`)
    }),
    { numRuns: 5000, seed: 1 },
  )
})

test('many % in a pattern stay fast (no backtracking blow-up)', () => {
  const m = compileLikePattern(`${'%a'.repeat(200)}%b`)
  assert.equal(likeMatches(m, 'a'.repeat(5000)), false)
})
