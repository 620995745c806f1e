/**
 * A local Content Lake run as a child process (`scripts/lake.ts`), for tests that SIGKILL it and
 * restart it on the same data dir. Every child started or tracked here is killed on `close()`, so
 * a failing trial cannot leave one running (and the test file hanging).
 *
 *   const lakes = new LakeChildren()
 *   test.before(async () => { token = await lakes.setUp('Crash Writer', 'crash@clinic.test') })
 *   test.after(() => lakes.close())
 *   let lake = await lakes.start(); lake.kill('SIGKILL'); await exited(lake); lake = await lakes.start()
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** The repository root (scripts/lake.ts is run from there). */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

const LAKE_SCRIPT = ['--loader', 'ts-node/esm', '--no-warnings', 'scripts/lake.ts']

/** A port free on 127.0.0.1 now: the lake child must listen on the same port across restarts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** Resolves once the child has exited (at once if it already has). */
export const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )

export class LakeChildren {
  /** The data dir every lake child of this set shares (a fresh mkdtemp dir, deleted on close). */
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinic-'))
  /** The HTTP port every lake child listens on; chosen by `setUp`. */
  port = 0
  private readonly children = new Set<ChildProcess>()

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LAKE_DATA_DIR: this.dataDir,
      LAKE_HTTP_PORT: String(this.port),
      LAKE_HTTPS_PORT: '-1',
      LAKE_HOST: '127.0.0.1',
    }
  }

  /** Kills `child` on close if it is still running then. */
  track(child: ChildProcess): ChildProcess {
    this.children.add(child)
    child.once('exit', () => this.children.delete(child))
    return child
  }

  /** Picks the port and creates an editor in the data dir; returns the editor's token. */
  async setUp(name: string, email: string): Promise<string> {
    this.port = await freePort()
    const created = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [...LAKE_SCRIPT, 'create-editor', '--name', name, '--email', email],
        { cwd: ROOT, env: this.env() },
        (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    )
    const token = created.trim().split('\n').pop() ?? ''
    if (!token.startsWith('sk')) throw new Error(`create-editor printed no token: ${created}`)
    return token
  }

  /** Starts a lake child; resolves once it listens. */
  start(): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      const child = this.track(
        spawn(process.execPath, LAKE_SCRIPT, { cwd: ROOT, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] }),
      )
      let out = ''
      // Generous: ts-node start-up on a shared, loaded 2-core machine can take a minute or more.
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`lake did not start within 180 s: ${out}`))
      }, 180_000)
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('HTTP  (Node clients)')) {
          clearTimeout(timer)
          resolve(child)
        }
      })
      child.stderr?.on('data', (d: Buffer) => {
        out += d.toString()
      })
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`lake exited early (${code}): ${out}`))
      })
    })
  }

  /** Kills every child still running and deletes the data dir. */
  close(): void {
    for (const child of this.children) child.kill('SIGKILL')
    fs.rmSync(this.dataDir, { recursive: true, force: true })
  }
}
