import type { MethodDefinition } from '@grpc/proto-loader'
import type { WireStatus } from './wire-status.ts'

// biome-ignore lint/suspicious/noExplicitAny: wire messages are loosely typed objects
type Wire = Record<string, any>

interface FieldDescriptor {
  readonly name: string
  readonly typeName?: string
}

/**
 * Where an RPC's response carries its `common.Status`: the response is a Status, or has a `status`
 * field, or another field of type Status (AlterCollectionSchema's `alter_status`); undefined when it
 * has none (Dummy, GetReplicateInfo, the streaming RPCs).
 */
export type StatusPlace = { readonly kind: 'self' } | { readonly kind: 'field'; readonly field: string }

export function statusPlaceOf(method: MethodDefinition<object, object>): StatusPlace | undefined {
  const type = (method.responseType as unknown as { type: { name: string; field: readonly FieldDescriptor[] } }).type
  if (type.name === 'Status') return { kind: 'self' }
  const fields = type.field
  const named = fields.find((f) => f.name === 'status' && isStatusType(f.typeName))
  if (named !== undefined) return { kind: 'field', field: named.name }
  const other = fields.find((f) => isStatusType(f.typeName))
  return other === undefined ? undefined : { kind: 'field', field: other.name }
}

function isStatusType(typeName: string | undefined): boolean {
  return typeName === 'common.Status' || typeName === '.milvus.proto.common.Status' || typeName === 'milvus.proto.common.Status'
}

/** A response holding only `status` (every other field takes its default). */
export function responseWithStatus(place: StatusPlace, status: WireStatus): Wire {
  return place.kind === 'self' ? status : { [place.field]: status }
}
