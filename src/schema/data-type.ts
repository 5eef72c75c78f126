/** Milvus `schema.DataType`; values equal the proto numbers. */
export const DataType = {
  None: 0,
  Bool: 1,
  Int8: 2,
  Int16: 3,
  Int32: 4,
  Int64: 5,
  Float: 10,
  Double: 11,
  String: 20,
  VarChar: 21,
  Array: 22,
  JSON: 23,
  Geometry: 24,
  Timestamptz: 26,
  BinaryVector: 100,
  FloatVector: 101,
  Float16Vector: 102,
  BFloat16Vector: 103,
  SparseFloatVector: 104,
  Int8Vector: 105,
  /** A sub-field of an array-of-structs field holding a vector per element (`vector_array` on the wire). */
  ArrayOfVector: 106,
  /** An array-of-structs field (`struct_array_fields` in the schema). */
  ArrayOfStruct: 200,
  /** The element type of an array-of-structs field as clients spell it (`element_type: Struct`). */
  Struct: 201,
} as const
export type DataType = (typeof DataType)[keyof typeof DataType]
export type DataTypeName = keyof typeof DataType

const byNumber = new Map<number, DataType>(Object.values(DataType).map((v) => [v, v]))
const byName = new Map<string, DataType>(
  Object.entries(DataType).map(([k, v]) => [k.toLowerCase(), v] as [string, DataType]),
)

/** Accepts the enum number or its name in any case ('Int64', 'int64', 5); undefined if unknown. */
export function parseDataType(x: unknown): DataType | undefined {
  if (typeof x === 'number') return byNumber.get(x)
  if (typeof x === 'string') {
    const n = Number(x)
    if (x.trim() !== '' && Number.isInteger(n)) return byNumber.get(n)
    return byName.get(x.toLowerCase())
  }
  return undefined
}

export function dataTypeName(t: DataType): DataTypeName {
  for (const [k, v] of Object.entries(DataType)) if (v === t) return k as DataTypeName
  return 'None'
}

export function isVectorType(t: DataType): boolean {
  return t >= 100 && t <= 105
}

/** Vectors with a fixed dim: every vector type but SparseFloatVector. */
export function isDenseVectorType(t: DataType): boolean {
  return (t >= 100 && t <= 103) || t === DataType.Int8Vector
}

export function isIntegerType(t: DataType): boolean {
  return t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32 || t === DataType.Int64
}

export function isFloatType(t: DataType): boolean {
  return t === DataType.Float || t === DataType.Double
}

export function isScalarElementType(t: DataType): boolean {
  return t === DataType.Bool || isIntegerType(t) || isFloatType(t) || t === DataType.VarChar
}

/** Inclusive integer ranges per integer type (Int64 as bigint). */
export const intRange = {
  [DataType.Int8]: [-128, 127],
  [DataType.Int16]: [-32768, 32767],
  [DataType.Int32]: [-2147483648, 2147483647],
} as const

export const INT64_MIN = -(1n << 63n)
export const INT64_MAX = (1n << 63n) - 1n
