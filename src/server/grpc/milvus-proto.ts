import { createRequire } from 'node:module'
import type * as protoLoader from '@grpc/proto-loader'
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

/** The descriptor as protobufjs JSON (the SDK's module, read once). */
export function milvusDescriptorJson(): protobuf.INamespace {
  const require = createRequire(import.meta.url)
  return (require(DESCRIPTOR_MODULE) as { default: protobuf.INamespace }).default
}

/**
 * Loads (once) the service definitions and the message root. The definitions are what
 * `@grpc/proto-loader`'s `fromJSON` makes with `loaderOptions` (same paths, serializers and
 * deserializers; `milvus-proto.test.ts` compares them), built from one protobufjs root for the two
 * services only: proto-loader also builds a definition and a descriptor for every message of the
 * package and a second root, ~3× the start-up time (docs/operations.md, "Restart and shutdown").
 * Message types compile their codecs on first use.
 */
export function loadMilvusProto(): MilvusProto {
  if (cached !== undefined) return cached
  const root = protobuf.Root.fromJSON(milvusDescriptorJson())
  cached = {
    services: {
      milvus: serviceDefinition(root.lookupService(MILVUS_SERVICE)),
      telemetry: serviceDefinition(root.lookupService(TELEMETRY_SERVICE)),
    },
    root,
  }
  return cached
}

function serviceDefinition(service: protobuf.Service): protoLoader.ServiceDefinition {
  const out: protoLoader.ServiceDefinition = {}
  for (const method of service.methodsArray) {
    method.resolve()
    const requestType = method.resolvedRequestType!
    const responseType = method.resolvedResponseType!
    out[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serializer(requestType),
      requestDeserialize: deserializer(requestType),
      responseSerialize: serializer(responseType),
      responseDeserialize: deserializer(responseType),
      originalName: camelCase(method.name),
      requestType: messageDefinition(requestType),
      responseType: messageDefinition(responseType),
      options: { deprecated: false, idempotency_level: 'IDEMPOTENCY_UNKNOWN' as protoLoader.IdempotencyLevel, uninterpreted_option: [] },
    }
  }
  return out
}

/** lodash's `camelCase` for method names, as proto-loader names them: `BackupRBAC` → `backupRbac`. */
function camelCase(name: string): string {
  const words = name.match(/[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g) ?? []
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('')
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`)
    // A Buffer under Node (protobufjs writes with its BufferWriter there), as proto-loader returns it.
    return type.encode(type.fromObject(value)).finish() as Buffer
  }
}

function deserializer(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), loaderOptions)
}

/**
 * The message's definition with only what the server reads (`rpc-response.ts`: the type's name and
 * its fields' names and type names), not proto-loader's full descriptor.
 */
function messageDefinition(type: protobuf.Type): protoLoader.MessageTypeDefinition<object, object> {
  const fields = type.fieldsArray.map((f) => ({ name: f.name, typeName: typeNameOf(f) }))
  return { format: 'Protocol Buffer 3 DescriptorProto', type: { name: type.name, field: fields }, fileDescriptorProtos: [], serialize: serializer(type), deserialize: deserializer(type) }
}

/** A message or enum field's type as a descriptor names it (`.milvus.proto.common.Status`); undefined for scalars. */
function typeNameOf(field: protobuf.Field): string | undefined {
  field.resolve()
  return field.resolvedType === null ? undefined : field.resolvedType.fullName
}

const typesByRoot = new WeakMap<protobuf.Root, Map<string, protobuf.Type>>()

/**
 * A message type of the Milvus root by its full name, looked up once: `Root.lookupType` walks the
 * namespaces on every call (~5 µs; four or five per search answered).
 */
export function protoType(typeName: string): protobuf.Type {
  const root = loadMilvusProto().root
  let types = typesByRoot.get(root)
  if (types === undefined) typesByRoot.set(root, (types = new Map()))
  let type = types.get(typeName)
  if (type === undefined) types.set(typeName, (type = root.lookupType(typeName)))
  return type
}

/** Decodes a message carried as bytes (int64 as strings, enums by name); 1100 when malformed. */
export function decodeEmbedded(typeName: string, bytes: Uint8Array, options: protobuf.IConversionOptions = {}): Record<string, unknown> {
  const type = protoType(typeName)
  let message: protobuf.Message
  try {
    message = type.decode(bytes)
  } catch (e) {
    throw errors.invalid(`cannot decode ${type.name}: ${(e as Error).message}`)
  }
  return type.toObject(message, { longs: String, enums: String, oneofs: true, ...options })
}
