/**
 * The local Content Lake CLI.
 *
 *   npm run lake                                   start the lake (LAKE_* env vars, see README)
 *   npm run lake -- create-editor --name "Ana" --email ana@clinic.test [--role editor] [--password '...']
 *   npm run lake -- set-password --email ana@clinic.test --password '...'   (for the Studio login screen)
 *   npm run lake -- create-token --email ana@clinic.test [--label laptop]
 *   npm run lake -- list-editors
 *   npm run lake -- revoke-token <tokenId>
 *
 * Account commands work on the data dir directly, also while the lake runs.
 */
import { parseArgs } from 'node:util'
import { Accounts, ROLES, type Role } from '../lake/auth/index.js'
import { configFromEnv } from '../lake/config.js'
import { LakeError } from '../lake/errors.js'
import { startLake } from '../lake/index.js'
import { LakeStore } from '../lake/store/index.js'

function fail(message: string): never {
  console.error(`lake: ${message}`)
  process.exit(1)
}

function withAccounts<T>(fn: (accounts: Accounts) => T): T {
  const store = new LakeStore(configFromEnv().dataDir)
  try {
    return fn(new Accounts(store.db))
  } catch (err) {
    if (err instanceof LakeError) fail(err.message)
    throw err
  } finally {
    store.close()
  }
}

async function main(): Promise<void> {
  const [command = 'start', ...rest] = process.argv.slice(2)
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      label: { type: 'string' },
      password: { type: 'string' },
    },
  })
  switch (command) {
    case 'start': {
      const lake = await startLake()
      console.log(
        `Local Content Lake, project "${lake.projectId}", dataset "${lake.dataset}", data in ${lake.config.dataDir}`,
      )
      console.log(`  HTTP  (Node clients):       ${lake.httpUrl}`)
      if (lake.httpsUrl) {
        console.log(
          `  HTTPS (browsers, HTTP/2):   ${lake.httpsUrl}  (the Studio calls https://${lake.projectId}.localhost:${new URL(lake.httpsUrl).port})`,
        )
        console.log(`  Trust the local CA for browsers: ${lake.caCertPath}`)
      }
      if (lake.accounts.listUsers().length === 0)
        console.log('  No editors yet: npm run lake -- create-editor --name "Your Name" --email you@example.com')
      const stop = (): void => {
        void lake.close().then(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      return
    }
    case 'create-editor': {
      if (!values.name || !values.email) fail('create-editor needs --name "Full Name" and --email address')
      const role = (values.role ?? 'administrator') as Role
      if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`)
      const { user, token } = withAccounts((a) => {
        const u = a.createUser({ name: values.name as string, email: values.email as string, role })
        if (values.password) a.setPassword(u.id, values.password)
        return { user: u, token: a.issueToken(u.id, values.label ?? 'cli').token }
      })
      console.log(`Created ${user.role} ${user.name} <${user.email}> (id ${user.id}).`)
      console.log(`Token (shown once, keep it secret):\n${token}`)
      return
    }
    case 'create-token': {
      if (!values.email) fail('create-token needs --email of an existing editor')
      const token = withAccounts((a) => {
        const user = a.findByEmail(values.email as string)
        if (!user) fail(`no editor with email ${values.email}; create one with create-editor`)
        return a.issueToken(user.id, values.label ?? 'cli')
      })
      console.log(`Token ${token.tokenId} (shown once, keep it secret):\n${token.token}`)
      return
    }
    case 'set-password': {
      if (!values.email || !values.password)
        fail('set-password needs --email of an existing editor and --password (at least 8 characters)')
      withAccounts((a) => {
        const user = a.findByEmail(values.email as string)
        if (!user) fail(`no editor with email ${values.email}; create one with create-editor`)
        a.setPassword(user.id, values.password as string)
      })
      console.log(`Password set for ${values.email}: sign in on the Studio's login screen with "Local editor account".`)
      return
    }
    case 'list-editors': {
      const users = withAccounts((a) => a.listUsers())
      if (users.length === 0) console.log('No editors.')
      for (const u of users) console.log(`${u.id}  ${u.role.padEnd(13)} ${u.name} <${u.email}>`)
      return
    }
    case 'revoke-token': {
      const id = positionals[0]
      if (!id) fail('revoke-token needs the token id (shown by create-token)')
      if (!withAccounts((a) => a.revokeToken(id))) fail(`no token with id ${id}`)
      console.log(`Revoked ${id}.`)
      return
    }
    default:
      fail(
        `unknown command "${command}": use start, create-editor, set-password, create-token, list-editors or revoke-token`,
      )
  }
}

await main()
