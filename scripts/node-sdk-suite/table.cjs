// Markdown per-file table of a jest --json result (spec, passed, failed), for docs/compat.md.
const r = require(require('path').resolve(process.argv[2]))
const rows = r.testResults.map((t) => {
  const a = t.assertionResults
  const p = a.filter((x) => x.status === 'passed').length
  return [t.name.replace(/.*\/test\//, ''), p, a.length - p]
}).sort((a, b) => a[0].localeCompare(b[0]))
console.log('| spec | passed | failed |\n|---|---:|---:|')
for (const [n, p, f] of rows) console.log(`| ${n} | ${p} | ${f} |`)
const P = rows.reduce((s, r) => s + r[1], 0), F = rows.reduce((s, r) => s + r[2], 0)
console.log(`| **total** | **${P}** | **${F}** |`)
