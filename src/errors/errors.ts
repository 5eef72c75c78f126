import { ErrorCode } from './error-code.ts'
import { MilvusError } from './milvus-error.ts'

/** Constructors for the errors Quiver raises, so messages stay uniform. */
export const errors = {
  invalid: (detail: string, details: Record<string, string | number> = {}) =>
    new MilvusError(ErrorCode.ParameterInvalid, detail, details),
  missing: (detail: string) => new MilvusError(ErrorCode.ParameterMissing, detail),
  tooLarge: (detail: string) => new MilvusError(ErrorCode.ParameterTooLarge, detail),
  collectionNotFound: (collection: string, database = 'default') =>
    new MilvusError(ErrorCode.CollectionNotFound, undefined, { database, collection }),
  collectionExists: (collection: string) =>
    new MilvusError(ErrorCode.ParameterInvalid, `collection already exists: ${collection}`),
  partitionNotFound: (partition: string) =>
    new MilvusError(ErrorCode.PartitionNotFound, undefined, { partition }),
  databaseNotFound: (database: string) => new MilvusError(ErrorCode.DatabaseNotFound, undefined, { database }),
  indexNotFound: (index: string) => new MilvusError(ErrorCode.IndexNotFound, undefined, { indexName: index }),
  fieldNotFound: (field: string) => new MilvusError(ErrorCode.FieldNotFound, undefined, { field }),
  timeout: (detail: string) => new MilvusError(ErrorCode.Timeout, detail),
  io: (detail: string, cause: unknown) => new MilvusError(ErrorCode.IoFailed, detail, {}, { cause }),
  notSupported: (detail: string) => new MilvusError(ErrorCode.OperationNotSupported, detail),
  closed: () => new MilvusError(ErrorCode.NotReady, 'database is closed'),
  /** `database.max.collections` reached (Milvus: `exceeded the limit number of collections[dbName=x][limit=n]`). */
  collectionLimit: (database: string, limit: number) =>
    new MilvusError(ErrorCode.CollectionNumLimitExceeded, undefined, { dbName: database, limit }, { base: 'exceeded the limit number of collections' }),
  /** `database.force.deny.writing` / `…reading` (Milvus: ErrServiceQuotaExceeded with the ForceDeny reason). */
  forceDeny: () =>
    new MilvusError(ErrorCode.QuotaExceeded, undefined, { reason: 'access has been disabled by the administrator' }, { base: 'quota exceeded' }),
} as const

export { ErrorCode, MilvusError }
