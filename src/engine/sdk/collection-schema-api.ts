import { ErrorCode, errors, MilvusError } from '../../errors/errors.ts'
import { addCollectionField, alterCollectionField, truncateCollection } from '../schema-ops.ts'
import type { Req } from './client-base.ts'
import { CollectionApi } from './collection-api.ts'
import { propertiesOf, propertyKeysOf } from './property-request.ts'
import { fieldSpecOf, type SdkField } from './schema-request.ts'
import { asStatus, okStatus, type ResStatus } from './status.ts'

/** Collections, Milvus 2.6 additions: add and alter fields, truncate, describe many, refresh load. */
export class CollectionSchemaApi extends CollectionApi {
  /** A new nullable field (`field`, the SDK's `FieldType`); rows already written read its default, else null. */
  addCollectionField(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      const field = req.field as SdkField | undefined
      if (field === null || typeof field !== 'object') throw errors.invalid('addCollectionField needs field, a field schema')
      await addCollectionField(this.db, this.key(req), fieldSpecOf(field))
      return okStatus()
    }, (s) => s)
  }

  /** `fields` one after another, as the SDK does; stops at the first refusal and answers with it. */
  async addCollectionFields(req: Req): Promise<ResStatus> {
    const fields = Array.isArray(req.fields) ? (req.fields as SdkField[]) : []
    for (const field of fields) {
      const r = await this.addCollectionField({ ...req, field })
      if (r.code !== 0) return r
    }
    return okStatus()
  }

  /** Sets `properties` (`max_length`, `max_capacity`, `mmap.enabled`) or removes `delete_keys` of field `field_name`. */
  alterCollectionFieldProperties(req: Req): Promise<ResStatus> {
    return asStatus(async () => {
      if (typeof req.field_name !== 'string' || req.field_name === '') throw errors.invalid('field_name is required')
      await alterCollectionField(this.db, this.key(req), req.field_name, propertiesOf(req.properties), propertyKeysOf(req.delete_keys, 'delete_keys'))
      return okStatus()
    }, (s) => s)
  }

  /** Removes every row; the collection, its schema, partitions, indexes and load state stay. */
  truncateCollection(req: Req): Promise<{ status: ResStatus }> {
    return asStatus(async () => {
      await truncateCollection(this.db, this.key(req))
      return { status: okStatus() }
    }, (status) => ({ status }))
  }

  /** `describeCollection` of each of `collection_names`; the first that fails answers for all, as Milvus. */
  batchDescribeCollections(req: Req): Promise<{ status: ResStatus; responses: Record<string, unknown>[] }> {
    return asStatus(
      async () => {
        const names = Array.isArray(req.collection_names) ? (req.collection_names as unknown[]) : []
        if (names.length === 0) throw errors.invalid('collection names is empty')
        const responses: Record<string, unknown>[] = []
        for (const name of new Set(names)) {
          const r = await this.describeCollection({ ...req, collection_name: name })
          if (r.status.code !== 0) return { status: r.status, responses: [] }
          responses.push(r)
        }
        return { status: okStatus(), responses }
      },
      (status) => ({ status, responses: [] }),
    )
  }

  /** Loaded collections see every write at once, so a refresh only checks that the collection is loaded. */
  refreshLoad(req: Req): Promise<ResStatus> {
    return asStatus(() => {
      const meta = this.db.state.catalog.get(this.key(req))
      if (!meta.loaded) throw new MilvusError(ErrorCode.CollectionNotLoaded, undefined, { collection: meta.name })
      return okStatus()
    }, (s) => s)
  }
}
