/**
 * A minimal PostgreSQL wire-protocol server that asks for a cleartext password and rejects it with SQLSTATE 28P01,
 * echoing the password it received inside its message. The test server on this machine trusts every local
 * connection, so a real password failure cannot be provoked there; this one exercises the same client path (and
 * proves that a password echoed by a server never reaches the user).
 */
import { type AddressInfo, type Server, createServer } from 'node:net'

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

function errorResponse(code: string, text: string): Buffer {
  const field = (tag: string, value: string) => Buffer.concat([Buffer.from(tag, 'latin1'), Buffer.from(value, 'utf8'), Buffer.from([0])])
  return message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', code), field('M', text), Buffer.from([0])]))
}

export async function startRejectingPostgres(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((socket) => {
    let buffered = Buffer.alloc(0)
    let started = false
    socket.on('error', () => undefined)
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk])
      if (!started) {
        if (buffered.length < 8) return
        const length = buffered.readInt32BE(0)
        if (buffered.length < length) return
        const code = buffered.readInt32BE(4)
        buffered = buffered.subarray(length)
        if (code === 80877103) {
          socket.write('N') // SSLRequest: no TLS here
          return
        }
        started = true
        socket.write(message('R', Buffer.from([0, 0, 0, 3]))) // AuthenticationCleartextPassword
        return
      }
      if (buffered.length < 5 || buffered.length < buffered.readInt32BE(1) + 1) return
      const password = buffered.subarray(5, buffered.readInt32BE(1) + 1 - 1).toString('utf8')
      socket.end(errorResponse('28P01', `password authentication failed for user "postgres" (the server got '${password}')`))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
