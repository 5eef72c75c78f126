import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js'
import type protobuf from 'protobufjs'
import { loadMilvusProto } from '../../src/server/grpc/milvus-proto.ts'
import { encodeTree } from './wire-writer.ts'
import type { WireTree } from './wire-tree.ts'

// biome-ignore lint/suspicious/noExplicitAny: decoded responses are checked field by field
export type Wire = Record<string, any>

export type ServiceName = 'milvus' | 'telemetry'

/** What one raw call came back with. */
export interface GrpcAnswer {
  /** The response decoded with the RPC's response type (int64 as strings, enums by name). */
  readonly res?: Wire
  /** The response bytes did not decode as the response type. */
  readonly decodeError?: string
  readonly err?: ServiceError
  readonly ms: number
}

/** The request type of a method, from the descriptor the server loads too. */
export function requestTypeOf(service: ServiceName, rpc: string): protobuf.Type {
  const proto = loadMilvusProto()
  const name = service === 'milvus' ? 'milvus.proto.milvus.MilvusService' : 'milvus.proto.milvus.ClientTelemetryService'
  const method = proto.root.lookupService(name).methods[rpc]
  if (method === undefined) throw new Error(`no method ${rpc} in ${name}`)
  method.resolve()
  return method.resolvedRequestType!
}

export function rootMetadata(token: string): Metadata {
  const md = new Metadata()
  md.set('authorization', Buffer.from(token).toString('base64'))
  return md
}

/**
 * A grpc-js client that sends raw request bytes to any method (identity serializer) and decodes
 * the answer itself, so a response that does not decode is seen rather than thrown.
 */
export class GrpcRawClient {
  private readonly client: Client

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure(), { 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 })
  }

  call(service: ServiceName, rpc: string, bytes: Uint8Array, metadata: Metadata, deadlineMs: number): Promise<GrpcAnswer> {
    const def = loadMilvusProto().services[service][rpc]
    if (def === undefined) throw new Error(`no method ${rpc}`)
    const started = performance.now()
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        def.path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        metadata,
        { deadline: Date.now() + deadlineMs },
        (err, raw) => {
          const ms = performance.now() - started
          if (err !== null) return resolve({ err, ms })
          try {
            resolve({ res: def.responseDeserialize(raw!) as Wire, ms })
          } catch (e) {
            resolve({ decodeError: (e as Error).message, ms })
          }
        },
      )
    })
  }

  /** Encodes a tree with the method's request type and calls it. */
  send(rpc: string, tree: WireTree, metadata: Metadata, deadlineMs: number, service: ServiceName = 'milvus'): Promise<GrpcAnswer> {
    return this.call(service, rpc, encodeTree(requestTypeOf(service, rpc), tree), metadata, deadlineMs)
  }

  close(): void {
    this.client.close()
  }
}

/** Where a response carries its `common.Status` (the response itself for RPCs that answer only a status). */
export function statusOfResponse(res: Wire): { code: number; reason: string } | undefined {
  // A response's status field (AlterCollectionSchema's is `alter_status`; an absent one decodes as null), else the response itself.
  const s = res.status ?? res.alter_status ?? ('code' in res || 'error_code' in res ? res : undefined)
  if (s === undefined || s === null) return undefined
  return { code: Number(s.code ?? 0), reason: String(s.reason ?? '') }
}
