// The gRPC `authorization` header is decoded exactly: one canonical base64 token of UTF-8 text, or
// UNAUTHENTICATED (1400) — no trimming, no lenient decoding of stray characters or bits; the peer
// string grpc-js gives yields the client's IP address; access errors' details stay short enough for
// the grpc-message trailer.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Metadata } from '@grpc/grpc-js'
import { ErrorCode, MilvusError } from '../../errors/errors.ts'
import { ACCESS_DETAILS_CHARS_MAX, accessGrpcError, credentialsOf, peerAddressOf } from './call-access.ts'

function header(...values: string[]): Metadata {
  const m = new Metadata()
  for (const v of values) m.add('authorization', v)
  return m
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')

function refused(m: Metadata): boolean {
  try {
    credentialsOf(m)
  } catch (e) {
    return e instanceof MilvusError && e.code === ErrorCode.Unauthenticated
  }
  return false
}

test('one canonical token decodes; none is undefined', () => {
  assert.equal(credentialsOf(header(b64('root:Milvus'))), 'root:Milvus')
  assert.equal(credentialsOf(header(b64('alice:pä:ss wörd'))), 'alice:pä:ss wörd')
  assert.equal(credentialsOf(new Metadata()), undefined)
  assert.equal(credentialsOf(header('')), undefined)
})

test('anything but exactly one canonical base64 token of UTF-8 is refused', () => {
  const token = b64('root:Milvus')
  const bad = [
    ` ${token}`,
    `${token} `,
    `${token} ${token}`,
    `Bearer ${token}`,
    token.replace(/=+$/, ''), // padding is required (Go's StdEncoding)
    `${token}=`,
    b64('u:>>>').replace('+', '-'), // URL-safe alphabet (dTo+Pj4= → dTo-Pj4=)
    'cm9vdDpNaWx2dXN=', // 'root:Milvus' (…dXM=) with stray low bits in the last character
    b64('x').slice(0, 2), // no padding at all
    Buffer.from([0x72, 0x3a, 0xff, 0xfe]).toString('base64'), // not UTF-8
  ]
  for (const value of bad) assert.ok(refused(header(value)), value)
  assert.ok(refused(header(token, token)), 'two values')
})

test('the client address of a grpc-js peer string', () => {
  assert.equal(peerAddressOf('127.0.0.1:50123'), '127.0.0.1')
  assert.equal(peerAddressOf('::1:50123'), '::1')
  assert.equal(peerAddressOf('::ffff:10.0.0.2:443'), '::ffff:10.0.0.2')
  assert.equal(peerAddressOf('[2001:db8::1]:50123'), '2001:db8::1')
  assert.equal(peerAddressOf('10.0.0.1'), '10.0.0.1')
  assert.equal(peerAddressOf('unknown'), undefined)
})

test('access errors: gRPC PERMISSION_DENIED / UNAUTHENTICATED, details clipped however long the names quoted', () => {
  const short = accessGrpcError(new MilvusError(ErrorCode.PermissionDenied, 'PrivilegeSearch: permission deny to alice in the `default` database'))
  assert.equal(short?.code, 7)
  assert.equal(short?.details, 'PrivilegeSearch: permission deny to alice in the `default` database')
  const db = 'x'.repeat(100_000)
  const long = accessGrpcError(new MilvusError(ErrorCode.PermissionDenied, `PrivilegeDropCollection: permission deny to fzuser in the \`${db}\` database`))
  assert.ok(long !== undefined && long.details.length < ACCESS_DETAILS_CHARS_MAX + 40, `${long?.details.length}`)
  assert.match(long.details, /^PrivilegeDropCollection: permission deny to fzuser in the `x+… \(\d+ more characters\)$/)
  // A clip through a surrogate pair, or a lone surrogate, must not reach grpc-js's encodeURI (it throws).
  for (const name of ['\u{1F600}'.repeat(50_000), `a${'\u{1F600}'.repeat(50_000)}`, 'lone \ud800 high', 'lone \udc00 low']) {
    const e = accessGrpcError(new MilvusError(ErrorCode.PermissionDenied, `PrivilegeSearch: permission deny to bob in the \`${name}\` database`))
    assert.doesNotThrow(() => encodeURI(e!.details), name.slice(0, 12))
  }
  assert.equal(accessGrpcError(new MilvusError(ErrorCode.Unauthenticated, 'invalid token format'))?.code, 16)
  assert.equal(accessGrpcError(new MilvusError(ErrorCode.ParameterInvalid, 'x')), undefined)
})
