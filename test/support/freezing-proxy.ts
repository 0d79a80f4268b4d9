/**
 * A TCP proxy in front of a real database server that can stop answering, the way a frozen server (SIGSTOP), a
 * hung VM or a firewall that swallows packets looks to a client: the socket stays open, nothing comes back.
 */
import { type Server, type Socket, createConnection, createServer } from 'node:net'

export interface FreezingProxy {
  /** The port to connect to (127.0.0.1). */
  port: number
  /** True once it stopped forwarding. */
  readonly frozen: boolean
  /** Ends every connection (the server then sees its clients gone) and stops listening. */
  close(): Promise<void>
}

export interface FreezingProxyOptions {
  /** Frozen from the start: accepts connections and never answers. */
  frozen?: boolean
  /** Stop forwarding, for good, at the first client packet that holds this text (it is not forwarded). */
  freezeOnText?: string
}

export async function startFreezingProxy(target: { host: string; port: number }, options: FreezingProxyOptions = {}): Promise<FreezingProxy> {
  let frozen = options.frozen ?? false
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
    return socket
  }
  const server: Server = createServer((client) => {
    track(client)
    if (frozen) return client.resume()
    const upstream = track(createConnection(target))
    client.on('data', (chunk: Buffer) => {
      if (!frozen && options.freezeOnText && chunk.includes(options.freezeOnText)) frozen = true
      if (!frozen) upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!frozen) client.write(chunk)
    })
    // A live server or client closing its side is passed on; a frozen proxy passes on nothing.
    upstream.on('end', () => !frozen && client.end())
    client.on('end', () => !frozen && upstream.end())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port')
  return {
    port: address.port,
    get frozen() {
      return frozen
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
