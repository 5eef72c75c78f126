// Proves the TRIE index answers every filter leaf on every field it takes exactly as the column
// scan does (seeded data with nulls, NaN, int64 beyond 2^53), survives encode/decode, and detects corruption.
import { runScalarIndexContract } from './scalar-index.contract.ts'

runScalarIndexContract('TRIE')
