import { createRequire } from 'node:module'
import * as protoLoader from '@grpc/proto-loader'
import protobuf from 'protobufjs'
import { errors } from '../../errors/errors.ts'

/**
 * The Milvus protocol definition, loaded at run time from the descriptor the official Node SDK ships
 * (`@zilliz/milvus2-sdk-node`, pinned): protobufjs JSON with the .proto field names (snake_case).
 * No .proto file is copied into Quiver.
 */
export const DESCRIPTOR_MODULE = '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js'

/** The SDK's LOADER_OPTIONS: int64 as decimal strings, enums by name, defaults filled, oneof names. */
export const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const

export const MILVUS_SERVICE = 'milvus.proto.milvus.MilvusService'
export const TELEMETRY_SERVICE = 'milvus.proto.milvus.ClientTelemetryService'

export interface MilvusProto {
  /** grpc-js service definitions by full service name. */
  readonly services: {
    readonly milvus: protoLoader.ServiceDefinition
    readonly telemetry: protoLoader.ServiceDefinition
  }
  /** For messages carried as bytes inside requests: `CollectionSchema`, `PlaceholderGroup`. */
  readonly root: protobuf.Root
}

let cached: MilvusProto | undefined

/** Loads (once) the service definitions and the message root. */
export function loadMilvusProto(): MilvusProto {
  if (cached !== undefined) return cached
  const require = createRequire(import.meta.url)
  const json = (require(DESCRIPTOR_MODULE) as { default: protobuf.INamespace }).default
  const definition = protoLoader.fromJSON(json, { ...loaderOptions })
  cached = {
    services: {
      milvus: definition[MILVUS_SERVICE] as protoLoader.ServiceDefinition,
      telemetry: definition[TELEMETRY_SERVICE] as protoLoader.ServiceDefinition,
    },
    root: protobuf.Root.fromJSON(json),
  }
  return cached
}

/** Decodes a message carried as bytes (int64 as strings, enums by name); 1100 when malformed. */
export function decodeEmbedded(typeName: string, bytes: Uint8Array, options: protobuf.IConversionOptions = {}): Record<string, unknown> {
  const type = loadMilvusProto().root.lookupType(typeName)
  let message: protobuf.Message
  try {
    message = type.decode(bytes)
  } catch (e) {
    throw errors.invalid(`cannot decode ${type.name}: ${(e as Error).message}`)
  }
  return type.toObject(message, { longs: String, enums: String, oneofs: true, ...options })
}
