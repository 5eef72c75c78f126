/**
 * Milvus error codes (`pkg/util/merr/errors.go`), grouped by hundreds as Milvus does.
 * Values equal the wire numbers; `legacy` is the old `common.ErrorCode` enum the Node SDK still reads.
 */
export const ErrorCode = {
  Success: 0,
  NotReady: 1,
  ServiceUnavailable: 2,
  RequestLimit: 4,
  Timeout: 5,
  RateLimit: 8,
  CollectionNotFound: 100,
  CollectionNotLoaded: 101,
  CollectionAlreadyExists: 102,
  /** merr ErrCollectionNumLimitExceeded, the same number; its own base text (see `errors.collectionLimit`). */
  CollectionNumLimitExceeded: 102,
  PartitionNotFound: 200,
  PartitionNotLoaded: 201,
  IndexNotFound: 700,
  DatabaseNotFound: 800,
  ParameterInvalid: 1100,
  ParameterMissing: 1101,
  ParameterTooLarge: 1102,
  FieldNotFound: 1700,
  /** merr ErrPrivilegeNotAuthenticated: missing or wrong credentials (gRPC UNAUTHENTICATED on the wire). */
  Unauthenticated: 1400,
  /** merr ErrPrivilegeNotPermitted: the user's roles lack the privilege (gRPC PERMISSION_DENIED on the wire). */
  PermissionDenied: 1401,
  /** REST only: no or wrong credentials (Milvus `ErrNeedAuthenticate`). */
  NeedAuthenticate: 1800,
  /** REST only: the body is not JSON or a parameter has the wrong type. */
  IncorrectParameterFormat: 1801,
  /** REST only: a required parameter is missing. */
  MissingRequiredParameters: 1802,
  OperationNotSupported: 3000,
  IoFailed: 2100,
  MemoryQuotaExhausted: 9,
  /** merr ErrServiceQuotaExceeded (force deny), the same number; its own base text (see `errors.forceDeny`). */
  QuotaExceeded: 9,
  Unexpected: 65535,
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** Base message of each code: Milvus prints `<detail>: <base>[k=v]`. */
export const errorBase: Readonly<Record<ErrorCode, string>> = {
  0: 'success',
  1: 'service not ready',
  2: 'service unavailable',
  4: 'request limit exceeded',
  5: 'request timeout',
  8: 'rate limit exceeded',
  9: 'memory quota exceeded',
  100: 'collection not found',
  101: 'collection not loaded',
  102: 'collection already exists',
  200: 'partition not found',
  201: 'partition not loaded',
  700: 'index not found',
  800: 'database not found',
  1100: 'invalid parameter',
  1101: 'missing parameter',
  1102: 'parameter too large',
  1400: 'not authenticated',
  1401: 'privilege not permitted',
  1700: 'field not found',
  1800: "user hasn't authenticated",
  1801: 'can only accept json format request',
  1802: 'missing required parameters',
  2100: 'io failed',
  3000: 'operation not supported',
  65535: 'unexpected error',
}

/** Codes a client may retry unchanged. */
export const retriableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([1, 2, 4, 5, 8, 9])

/**
 * The legacy `common.ErrorCode` the Node SDK checks (`status.error_code !== 'Success'`).
 * Only the distinctions clients use are kept; everything else is UnexpectedError (1).
 */
export const legacyErrorCode: Readonly<Partial<Record<ErrorCode, string>>> = {
  0: 'Success',
  100: 'CollectionNotExists',
  1100: 'IllegalArgument',
  1101: 'IllegalArgument',
  1102: 'IllegalArgument',
  8: 'RateLimit',
  9: 'MemoryQuotaExhausted',
  3000: 'UnexpectedError',
  700: 'IndexNotExist',
}
