// Failed logins are counted per client key: IPv4 as is (mapped or not), IPv6 per /64 however it is
// written, no address = no key.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clientKeyOf } from './client-address.ts'

test('IPv4, IPv4-mapped and unknown forms', () => {
  assert.equal(clientKeyOf('10.1.2.3'), '10.1.2.3')
  assert.equal(clientKeyOf('::ffff:10.1.2.3'), '10.1.2.3')
  assert.equal(clientKeyOf('::FFFF:127.0.0.1'), '127.0.0.1')
  assert.equal(clientKeyOf('unknown'), 'unknown')
  assert.equal(clientKeyOf(undefined), undefined)
  assert.equal(clientKeyOf(''), undefined)
})

test('IPv6 by /64, whatever the spelling', () => {
  const key = '2001:db8:0:1::/64'
  assert.equal(clientKeyOf('2001:db8:0:1::7'), key)
  assert.equal(clientKeyOf('2001:0db8:0000:0001:ffff:1:2:3'), key)
  assert.equal(clientKeyOf('2001:DB8:0:1:0:0:0:9%eth0'), key)
  assert.notEqual(clientKeyOf('2001:db8:0:2::7'), key)
  assert.equal(clientKeyOf('::1'), '0:0:0:0::/64')
  assert.equal(clientKeyOf('fe80::1'), 'fe80:0:0:0::/64')
})
