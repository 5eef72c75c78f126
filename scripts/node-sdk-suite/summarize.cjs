// Per-file pass/fail table of a jest --json result, worst first; `-v` lists each failing test with its first error line.
const r = require(require('path').resolve(process.argv[2])); const verbose = process.argv.includes('-v')
let p = 0, f = 0; const rows = []
for (const t of r.testResults) {
  const a = t.assertionResults; const pp = a.filter((x) => x.status === 'passed').length; const ff = a.length - pp
  p += pp; f += ff
  rows.push({ name: t.name.replace(/.*\/test\//, ''), pp, ff, msg: a.length === 0 ? (t.message || '').split('\n').find((l) => l.trim()) || '' : '', fails: a.filter((x) => x.status !== 'passed') })
}
rows.sort((a, b) => b.ff - a.ff)
for (const r of rows) {
  console.log(`${r.name}\t${r.pp} passed\t${r.ff} failed\t${r.msg.slice(0, 120)}`)
  if (verbose) for (const x of r.fails) console.log(`    ✗ ${x.fullName.slice(0, 110)} :: ${(x.failureMessages[0] || '').split('\n').find((l) => l.trim() && !l.includes('expect(')) ?.trim().slice(0, 160)}`)
}
console.log(`TOTAL ${p} passed, ${f} failed (${(100 * p / Math.max(1, p + f)).toFixed(1)} %)`)
