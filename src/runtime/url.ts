import { isAbsolute, resolve } from 'node:path'
import type { DialectName } from '../dialects/dialect.js'
import { StrataError } from '../errors.js'
import { dialectEntry, dialectForScheme, schemeList } from '../dialects/registry.js'

export interface DatabaseUrl {
  dialect: DialectName
  /** The URL with any password replaced by `***`: the only form that may be printed. */
  display: string
  /** SQLite: absolute file path, or ':memory:'. */
  filename?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  /** Query parameters (`sslmode`, `ssl`, …), passed to the driver. */
  params: Record<string, string>
}

export class UrlError extends StrataError {
  constructor(message: string) {
    super(message, { code: 'url' })
    this.name = 'UrlError'
  }
}

/**
 * Every password parsed from a URL in this process. A driver may echo a password without the URL around it
 * ("password authentication failed … 'hunter22'"), so masking also replaces these wherever they appear.
 */
const knownPasswords = new Set<string>()

function rememberPassword(password: string): void {
  // Very short passwords would mask ordinary words; they are masked inside URLs only.
  if (password.length < 3) return
  knownPasswords.add(password)
  const encoded = encodeURIComponent(password)
  if (encoded !== password) knownPasswords.add(encoded)
}

/**
 * A password given as a parameter: `?password=…` / `&password=…` in a URL, `password=…` in a libpq key=value
 * string (quoted or not), and the `pwd`/`pass` spellings some drivers take.
 */
const PASSWORD_PARAMETER = /(^|[?&;\s])((?:password|passwd|pwd|pass)\s*=\s*)('(?:[^'\\]|\\.)*'|"[^"]*"|[^&;\s'"]*)/gi

/**
 * Replaces the password in anything URL-shaped or parameter-shaped, and any password strata has parsed; used on
 * every message that may echo one.
 */
export function maskPasswords(text: string): string {
  // Up to the last '@' of the token: a password may itself hold an unencoded '@' (better mask too much than leak).
  let masked = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)\S*@/gi, '$1***@')
  masked = masked.replace(PASSWORD_PARAMETER, '$1$2***')
  for (const password of knownPasswords) if (masked.includes(password)) masked = masked.split(password).join('***')
  return masked
}

/** Names of the query parameters that carry a password (they are used as the password, never passed on). */
const PASSWORD_PARAMETERS = ['password', 'passwd', 'pwd', 'pass']

/** Moves a `?password=` parameter into `password` (the user-info password wins when both are given). */
function takePasswordParameter(parsed: DatabaseUrl): void {
  for (const name of Object.keys(parsed.params)) {
    if (!PASSWORD_PARAMETERS.includes(name.toLowerCase())) continue
    const value = parsed.params[name]!
    delete parsed.params[name]
    rememberPassword(value)
    parsed.password ??= value
  }
}

/**
 * Parses a database URL. `sqlite:///rel/path` is relative to `baseDir` (the config file's folder),
 * `sqlite:////abs/path` is absolute, `sqlite::memory:` is in memory. Driver suffixes (`postgresql+psycopg2`) are ignored.
 */
export function parseDatabaseUrl(raw: string, baseDir: string): DatabaseUrl {
  const text = raw.trim()
  const schemeMatch = /^([a-z][a-z0-9]*)(\+[a-z0-9_]+)?:/i.exec(text)
  if (!schemeMatch) throw new UrlError(`malformed database URL '${maskPasswords(text)}': expected sqlite:///path, postgresql://… or mysql://…`)
  const dialect = dialectForScheme(schemeMatch[1]!)
  if (!dialect) throw new UrlError(`unsupported database URL scheme '${schemeMatch[1]}': use ${schemeList()}`)
  const entry = dialectEntry(dialect)
  const rest = text.slice(schemeMatch[0].length)

  if (entry.urlKind === 'file') {
    if (rest === ':memory:' || rest === '//:memory:' || rest === '///:memory:' || rest === '') return { dialect, display: 'sqlite::memory:', filename: ':memory:', params: {} }
    if (!rest.startsWith('///')) throw new UrlError(`malformed SQLite URL '${maskPasswords(text)}': use sqlite:///relative/path.sqlite or sqlite:////absolute/path.sqlite`)
    const [pathPart, query = ''] = rest.slice(3).split('?', 2) as [string, string?]
    if (!pathPart) throw new UrlError(`malformed SQLite URL '${maskPasswords(text)}': no file path`)
    const path = decodeURIComponent(pathPart)
    const filename = isAbsolute(path) ? path : resolve(baseDir, path)
    const parsed: DatabaseUrl = { dialect, display: `sqlite:///${path}`, filename, params: Object.fromEntries(new URLSearchParams(query)) }
    // SQLite has no password; one given anyway is still never printed.
    takePasswordParameter(parsed)
    return parsed
  }

  let url: URL
  try {
    url = new URL(`${entry.schemes[0]}:${rest}`)
  } catch {
    throw new UrlError(`malformed database URL '${maskPasswords(text)}'`)
  }
  if (!url.hostname) throw new UrlError(`malformed database URL '${maskPasswords(text)}': no host`)
  let database: string
  try {
    database = decodeURIComponent(url.pathname.replace(/^\//, ''))
    if (url.username) decodeURIComponent(url.username)
    if (url.password) decodeURIComponent(url.password)
  } catch {
    throw new UrlError(`malformed database URL '${maskPasswords(text)}': a '%' not followed by two hex digits (encode '%' in a password as %25, '@' as %40, '/' as %2F)`)
  }
  if (!database) throw new UrlError(`database URL '${maskPasswords(text)}' names no database: add /dbname`)
  const port = url.port ? Number(url.port) : entry.defaultPort
  const parsed: DatabaseUrl = {
    dialect,
    display: maskPasswords(text),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    database,
    params: Object.fromEntries(url.searchParams),
  }
  if (url.username) parsed.user = decodeURIComponent(url.username)
  if (url.password) {
    parsed.password = decodeURIComponent(url.password)
    rememberPassword(parsed.password)
    rememberPassword(url.password)
  }
  takePasswordParameter(parsed)
  return parsed
}
