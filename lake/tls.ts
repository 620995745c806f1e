/**
 * The lake's local certificate authority and server certificate, made with the `openssl` binary on
 * first start under `<dataDir>/tls/` and reused afterwards. Browsers trust the server once `ca.crt`
 * is trusted (README: `mkcert`/`certutil`, or Chromium's `--ignore-certificate-errors` in tests).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export interface TlsMaterial {
  key: string
  cert: string
  /** Path of the CA certificate to trust. */
  caPath: string
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(
      `lake: could not create the local TLS certificate with openssl (${args[0]}): ${stderr || (err as Error).message}. Is the openssl binary installed?`,
    )
  }
}

export function ensureTls(dataDir: string, projectId: string): TlsMaterial {
  const dir = path.join(dataDir, 'tls')
  const files = { caKey: 'ca.key', caCert: 'ca.crt', key: 'server.key', cert: 'server.crt' }
  const at = (f: string): string => path.join(dir, f)
  const namesFile = at('server.names')
  const names = ['localhost', '*.localhost', `${projectId}.localhost`, '127.0.0.1', '::1']
  const wanted = names.join(',')
  const fresh =
    fs.existsSync(at(files.cert)) &&
    fs.existsSync(at(files.key)) &&
    fs.existsSync(namesFile) &&
    fs.readFileSync(namesFile, 'utf8') === wanted
  if (!fresh) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    if (!fs.existsSync(at(files.caKey)) || !fs.existsSync(at(files.caCert))) {
      openssl(
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          files.caKey,
          '-out',
          files.caCert,
          '-days',
          '3650',
          '-sha256',
          '-subj',
          '/CN=clinic-content local Content Lake CA',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        dir,
      )
    }
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        files.key,
        '-out',
        'server.csr',
        '-subj',
        '/CN=localhost',
        '-sha256',
      ],
      dir,
    )
    const san = names.map((n) => (/^[\d.:]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
    fs.writeFileSync(
      at('server.ext'),
      `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n`,
    )
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        files.caCert,
        '-CAkey',
        files.caKey,
        '-CAcreateserial',
        '-out',
        files.cert,
        '-days',
        '825',
        '-sha256',
        '-extfile',
        'server.ext',
      ],
      dir,
    )
    fs.writeFileSync(namesFile, wanted)
    for (const f of [files.caKey, files.key]) fs.chmodSync(at(f), 0o600)
  }
  return {
    key: fs.readFileSync(at(files.key), 'utf8'),
    cert: fs.readFileSync(at(files.cert), 'utf8') + fs.readFileSync(at(files.caCert), 'utf8'),
    caPath: at(files.caCert),
  }
}
