import { Client, credentials, type Deadline, Metadata, type ServiceError, status as grpcStatus } from '@grpc/grpc-js'
import { MilvusError } from '../../errors/errors.ts'
import { ErrorCode } from '../../errors/error-code.ts'
import type { ReplicaRouting } from '../replica-routing.ts'

/** Request metadata a forwarded call carries on (the writer authenticates and picks the database itself). */
const HOP_HEADERS = new Set(['content-type', 'te', 'host', 'user-agent', 'accept-encoding', 'grpc-accept-encoding', 'grpc-encoding', 'grpc-timeout'])

/** A gRPC error the writer answered (access denied and the like): passed to the client as it is. */
export class ForwardedGrpcError extends Error {
  readonly error: ServiceError
  constructor(error: ServiceError) {
    super(error.message)
    this.error = error
  }
}

/**
 * A read replica's forwarding of the RPCs it does not answer itself: the request's bytes, as the client
 * sent them, to the same method of the shard's writer, and the writer's answer bytes back. A writer that
 * cannot be reached answers 2 (retriable: a failover is under way), and is looked up again next time.
 */
export class GrpcForwarder {
  readonly #routing: ReplicaRouting
  readonly #service: string
  readonly #clients = new Map<string, Client>()

  readonly #log: (message: string) => void

  constructor(routing: ReplicaRouting, serviceName: string, log: (message: string) => void) {
    this.#routing = routing
    this.#service = serviceName
    this.#log = log
  }

  async forward(method: string, bytes: Buffer, metadata: Metadata, deadline: Deadline): Promise<Buffer> {
    const address = await this.#routing.writerAddress()
    const client = this.#clientOf(address)
    return new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest(`/${this.#service}/${method}`, (b: Buffer) => b, (b: Buffer) => b, bytes, forwardedMetadata(metadata), { deadline }, (err, res) => {
        if (err === null && res !== undefined) return resolve(res)
        if (err?.code === grpcStatus.UNAVAILABLE) {
          this.#log(`forwarding ${method} to the writer at ${address} failed: ${err.details}`)
          this.#routing.forget(address)
          this.#clients.get(address)?.close()
          this.#clients.delete(address)
          return reject(new MilvusError(ErrorCode.ServiceUnavailable, `this node is a read replica and the shard's writer at ${address} is unreachable (${err.details}); retry: a standby takes over within the lease TTL`))
        }
        if (err?.code === grpcStatus.DEADLINE_EXCEEDED) return reject(new MilvusError(ErrorCode.Timeout, `${method} forwarded to the writer at ${address} timed out`))
        reject(new ForwardedGrpcError(err!))
      })
    })
  }

  close(): void {
    for (const c of this.#clients.values()) c.close()
    this.#clients.clear()
  }

  #clientOf(address: string): Client {
    let c = this.#clients.get(address)
    if (c === undefined) {
      c = new Client(address, credentials.createInsecure(), { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 })
      this.#clients.set(address, c)
    }
    return c
  }
}

function forwardedMetadata(received: Metadata): Metadata {
  const out = new Metadata()
  for (const key of Object.keys(received.getMap())) {
    if (key.startsWith(':') || HOP_HEADERS.has(key)) continue
    for (const v of received.get(key)) out.add(key, v)
  }
  return out
}
