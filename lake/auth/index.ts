import crypto from 'node:crypto'
import { promisify } from 'node:util'
import { LakeError } from '../errors.js'
import type { SqliteDatabase } from '../store/db.js'

/**
 * Local editor accounts and API tokens. Tokens are random, shown once, and stored only as their
 * sha256. Roles: `administrator` and `editor` read everything and write; `viewer` reads drafts but
 * cannot write.
 */
export type Role = 'administrator' | 'editor' | 'viewer'
export const ROLES: readonly Role[] = ['administrator', 'editor', 'viewer']

export interface User {
  id: string
  name: string
  email: string
  role: Role
  createdAt: string
}

/** Who is asking: nobody (anonymous) or a local user. */
export type Identity = { kind: 'anonymous' } | { kind: 'user'; user: User }

export const ANONYMOUS: Identity = { kind: 'anonymous' }

export function canReadPrivate(identity: Identity): boolean {
  return identity.kind === 'user'
}

export function canWrite(identity: Identity): boolean {
  return identity.kind === 'user' && identity.user.role !== 'viewer'
}

/**
 * History (revisions, transactions, events) needs the `history` grant, which the ACL gives every
 * signed-in role and never an anonymous caller: a document's past holds deleted and unpublished
 * content, drafts that were never published and the user ids of their authors. Hosted Sanity
 * likewise requires every history request to be authenticated.
 */
export function canReadHistory(identity: Identity): boolean {
  return identity.kind === 'user'
}

/** Throws 401 with the reason unless the identity may read history. */
export function requireHistory(identity: Identity, what: string): void {
  if (canReadHistory(identity)) return
  throw new LakeError(
    401,
    'unauthorizedError',
    `${what} needs a token with history rights (an editor or viewer token): send "Authorization: Bearer <token>" (create one with \`npm run lake -- create-token\`). Anonymous callers may read published documents only, not their history`,
  )
}

/** Throws 401 (anonymous) or 403 (read-only user) unless the identity may write. */
export function requireWriter(identity: Identity, what: string): void {
  if (identity.kind === 'anonymous') {
    throw new LakeError(
      401,
      'unauthorizedError',
      `${what} needs an editor token: send "Authorization: Bearer <token>" (create one with \`npm run lake -- create-editor\`)`,
    )
  }
  if (!canWrite(identity)) {
    throw new LakeError(
      403,
      'permissionDeniedError',
      `${what} is not allowed for ${identity.user.email}: the role "${identity.user.role}" may only read`,
    )
  }
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

interface UserRow {
  id: string
  name: string
  email: string
  role: string
  created_at: string
}

function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, email: row.email, role: row.role as Role, createdAt: row.created_at }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

const scryptAsync = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>

/** Compared against when the email is unknown, so both answers take one hash (no account probing by time). */
const NO_PASSWORD = `scrypt$${crypto.randomBytes(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`

export class Accounts {
  private readonly db: SqliteDatabase
  private readonly changeListeners: Array<() => void> = []

  constructor(db: SqliteDatabase) {
    this.db = db
  }

  /** Calls `listener` after an account is added (the lake rewrites its `system.group` documents). */
  onUsersChanged(listener: () => void): () => void {
    this.changeListeners.push(listener)
    return () => {
      const at = this.changeListeners.indexOf(listener)
      if (at !== -1) this.changeListeners.splice(at, 1)
    }
  }

  /** Creates a local editor account; throws 400/409 with the reason on bad input or a taken email. */
  createUser(input: { name: string; email: string; role?: Role }): User {
    const name = input.name.trim()
    const email = input.email.trim().toLowerCase()
    const role = input.role ?? 'administrator'
    if (!name) throw new LakeError(400, 'invalidUserError', 'an editor needs a name')
    if (!EMAIL.test(email)) throw new LakeError(400, 'invalidUserError', `"${input.email}" is not an email address`)
    if (!ROLES.includes(role))
      throw new LakeError(400, 'invalidUserError', `role "${role}" is unknown: use ${ROLES.join(', ')}`)
    if (this.findByEmail(email)) throw new LakeError(409, 'conflict', `an editor with email ${email} already exists`)
    const user: User = {
      id: `p${crypto.randomBytes(6).toString('hex')}`,
      name,
      email,
      role,
      createdAt: new Date().toISOString(),
    }
    this.db
      .prepare('INSERT INTO users (id, name, email, role, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(user.id, user.name, user.email, user.role, user.createdAt)
    for (const listener of [...this.changeListeners]) listener()
    return user
  }

  findByEmail(email: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim().toLowerCase()) as
      | UserRow
      | undefined
    return row ? toUser(row) : undefined
  }

  findById(id: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined
    return row ? toUser(row) : undefined
  }

  /** Changes whenever an account is added or changes role, in this process or another. */
  fingerprint(): string {
    const row = this.db
      .prepare(
        "SELECT count(*) AS n, group_concat(member, ',') AS roles FROM (SELECT id || ':' || role AS member FROM users ORDER BY id)",
      )
      .get() as {
      n: number
      roles: string | null
    }
    return `${row.n}|${row.roles ?? ''}`
  }

  listUsers(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at').all() as UserRow[]).map(toUser)
  }

  /** Issues a new token for a user. The token is returned once; only its hash is kept. */
  issueToken(userId: string, label = 'token'): { token: string; tokenId: string } {
    if (!this.findById(userId)) throw new LakeError(404, 'notFoundError', `no editor with id ${userId}`)
    const token = `sk${crypto.randomBytes(32).toString('base64url')}`
    const tokenId = `t${crypto.randomBytes(6).toString('hex')}`
    this.db
      .prepare('INSERT INTO tokens (id, user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(tokenId, userId, hashToken(token), label, new Date().toISOString())
    return { token, tokenId }
  }

  revokeToken(tokenId: string): boolean {
    return this.db.prepare('DELETE FROM tokens WHERE id = ?').run(tokenId).changes > 0
  }

  /** The user a token belongs to, or undefined for an unknown token. */
  userForToken(token: string): User | undefined {
    const row = this.db
      .prepare('SELECT users.* FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.token_hash = ?')
      .get(hashToken(token)) as UserRow | undefined
    return row ? toUser(row) : undefined
  }

  /**
   * Sets (or replaces) the password an editor signs in with on the Studio's login screen. Only the
   * CLI calls this (no HTTP route sets a password), so the synchronous hash blocks nothing shared.
   */
  setPassword(userId: string, password: string): void {
    if (password.length < 8) throw new LakeError(400, 'invalidUserError', 'a password needs at least 8 characters')
    const salt = crypto.randomBytes(16)
    const hash = crypto.scryptSync(password, salt, 32)
    const stored = `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`
    if (this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(stored, userId).changes === 0) {
      throw new LakeError(404, 'notFoundError', `no editor with id ${userId}`)
    }
  }

  /**
   * The user whose email and password match, or undefined (same answer, and one hash, for an
   * unknown email and a wrong password). The hash runs on libuv's thread pool (async scrypt): a
   * synchronous scrypt blocks the lake's event loop for its whole duration, so a burst of sign-in
   * attempts stalled every other request.
   */
  async verifyPassword(email: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim().toLowerCase()) as
      | (UserRow & { password_hash: string | null })
      | undefined
    const stored = row?.password_hash ?? NO_PASSWORD
    const [scheme, salt, hash] = stored.split('$')
    const expected = Buffer.from(hash ?? '', 'base64')
    const actual = await scryptAsync(password, Buffer.from(salt ?? '', 'base64'), 32)
    const ok =
      typeof row?.password_hash === 'string' &&
      scheme === 'scrypt' &&
      expected.length === actual.length &&
      crypto.timingSafeEqual(expected, actual)
    return row && ok ? toUser(row) : undefined
  }

  /** A one-time login session id (the `#sid=` the Studio exchanges for a token), valid 5 minutes. */
  createSession(userId: string): string {
    const sid = crypto.randomBytes(24).toString('base64url')
    const expires = new Date(Date.now() + 5 * 60_000).toISOString()
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(new Date().toISOString())
    this.db
      .prepare('INSERT INTO sessions (sid_hash, user_id, expires_at) VALUES (?, ?, ?)')
      .run(hashToken(sid), userId, expires)
    return sid
  }

  /** Exchanges a session id for a new token (once); undefined when unknown or expired. */
  exchangeSession(sid: string): { token: string; user: User } | undefined {
    const row = this.db
      .prepare('DELETE FROM sessions WHERE sid_hash = ? RETURNING user_id, expires_at')
      .get(hashToken(sid)) as { user_id: string; expires_at: string } | undefined
    if (!row || row.expires_at < new Date().toISOString()) return undefined
    const user = this.findById(row.user_id)
    if (!user) return undefined
    return { token: this.issueToken(user.id, 'studio login').token, user }
  }

  /** Revokes the token itself (Studio logout). */
  revokeTokenValue(token: string): boolean {
    return this.db.prepare('DELETE FROM tokens WHERE token_hash = ?').run(hashToken(token)).changes > 0
  }

  /** Resolves an `Authorization` header; a present but unknown token is a 401, not anonymous. */
  identify(authorization: string | undefined): Identity {
    if (!authorization) return ANONYMOUS
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim())
    if (!match) throw new LakeError(401, 'unauthorizedError', 'the Authorization header must be "Bearer <token>"')
    const user = this.userForToken(match[1])
    if (!user)
      throw new LakeError(
        401,
        'unauthorizedError',
        'the token is not valid (unknown or revoked): issue a new one with `npm run lake -- create-token`',
      )
    return { kind: 'user', user }
  }
}
