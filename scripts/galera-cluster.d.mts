export interface GaleraNode {
  index: number
  port: number
  /** mysql://root@127.0.0.1:<port> (add /database). */
  url: string
}
export interface GaleraCluster {
  dir: string
  nodes: GaleraNode[]
  stop(): Promise<void>
}
export function galeraUnavailable(): string | undefined
export function startGaleraCluster(options?: { dir?: string; timeoutMs?: number }): Promise<GaleraCluster>
export function stopGaleraCluster(dir: string): Promise<void>
