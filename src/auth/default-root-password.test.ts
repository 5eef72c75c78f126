// The startup check for root's default password: true on a fresh store with authorization on,
// false once root's password changed, and false (without looking) when authorization is off.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { LocalFileStore } from '../storage/local-file-store.ts'
import { DEFAULT_ROOT_PASSWORD_WARNING, rootPasswordIsDefault } from './default-root-password.ts'
import { openAccessControl } from './open-access-control.ts'

const dir = mkdtempSync(join(tmpdir(), 'quiver-default-root-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('default until root changes it; never when authorization is off', async () => {
  const store = await LocalFileStore.open(dir)
  const access = await openAccessControl(store, { enabled: true })
  assert.equal(await rootPasswordIsDefault(access), true)
  assert.equal(await rootPasswordIsDefault(await openAccessControl(store, { enabled: false })), false)
  await access.updatePassword('root', 'Milvus', 'a-long-secret')
  assert.equal(await rootPasswordIsDefault(access), false)
  assert.equal(await rootPasswordIsDefault(await openAccessControl(store, { enabled: true })), false, 'after a restart too')
  assert.match(DEFAULT_ROOT_PASSWORD_WARNING, /^[^\n]+$/, 'one line')
})
