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
// An unquoted value ends before '&', ';', a space, a quote, or the ': ' of a message that goes on after the URL.
const PASSWORD_PARAMETER = /(^|[?&;\s])((?:password|passwd|pwd|pass)\s*=\s*)('(?:[^'\\]|\\.)*'|"[^"]*"|[^&;\s'"]*?(?=[&;\s'"]|:\s|:$|$))/gi

/**
 * Replaces the password in anything URL-shaped or parameter-shaped, and any password strata has parsed; used on
 * every message that may echo one.
 */
export function maskPasswords(text: string): string {
  // Known passwords first, whole: the patterns below would otherwise mask a part of one and leave the rest unmatched.
  let masked = text
  // Longest first: a shorter password inside a longer one would mask a part and leave the rest showing.
  for (const password of [...knownPasswords].sort((a, b) => b.length - a.length)) if (masked.includes(password)) masked = masked.split(password).join('***')
  // Up to the last '@' of the token: a password may itself hold an unencoded '@' (better mask too much than leak).
  masked = masked.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)\S*@/gi, '$1***@')
  // A URL with a typo in its scheme (`mysql//u:pw@h`, `mysql:/u:pw@h`) still holds `user:password@`.
  masked = masked.replace(USER_INFO_WITH_PASSWORD, '$1$2:***@')
  masked = masked.replace(PASSWORD_PARAMETER, '$1$2***')
  return masked
}

/** `user:password@` after a start, a space, a quote or a slash, but not `scheme://`; the password runs to the last '@' before a space or quote. */
const USER_INFO_WITH_PASSWORD = /(^|[\s'"/])([^\s'"/:@]+):(?!\*\*\*@)(?!\/\/)[^\s'"]*@/g

/**
 * Remembers the password of `scheme://user:password@host` before the URL is checked, so a message about a malformed
 * URL masks it even where the URL pattern cannot find it (a space in the password). It runs to the last '@'.
 */
function rememberUserInfoPassword(text: string): void {
  // The scheme's ':' may be missing too (`mysql//u:pw@h`): that is a malformed URL, and its password still a secret.
  const match = /^[a-z][a-z0-9+.-]*(?::\/*|\/\/)[^:/@]*:(.*)@/is.exec(text)
  if (!match) return
  rememberPassword(match[1]!)
  try {
    rememberPassword(decodeURIComponent(match[1]!))
  } catch {
    // Not valid percent-encoding: the text as written is what a message would show.
  }
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
  rememberUserInfoPassword(text)
  const schemeMatch = /^([a-z][a-z0-9]*)(\+[a-z0-9_]+)?:/i.exec(text)
  if (!schemeMatch) throw new UrlError(`malformed database URL '${maskPasswords(text)}': expected a scheme (${schemeList()}), e.g. sqlite:///path or postgresql://host/db`)
  const dialect = dialectForScheme(schemeMatch[1]!)
  if (!dialect) throw new UrlError(`unsupported database URL scheme '${schemeMatch[1]}': use ${schemeList()}`)
  const entry = dialectEntry(dialect)
  const rest = text.slice(schemeMatch[0].length)

  if (entry.urlKind === 'file') return parseFileUrl(text, schemeMatch[1]!.toLowerCase(), rest, dialect, baseDir)
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

/**
 * A file database URL: `scheme:///relative/path`, `scheme:////absolute/path`, `scheme::memory:`; where the registry
 * allows bare paths also `scheme:relative/path`, `scheme:/absolute/path`, `scheme://./relative/path`, `file:///absolute/path`
 * (RFC 8089), and `scheme://host` for the engine's server.
 */
function parseFileUrl(text: string, scheme: string, rest: string, dialect: DialectName, baseDir: string): DatabaseUrl {
  const entry = dialectEntry(dialect)
  const name = entry.schemes[0]!
  if (rest === ':memory:' || rest === '//:memory:' || rest === '///:memory:' || rest === '') return { dialect, display: `${name}::memory:`, filename: ':memory:', params: {} }
  let path: string
  if (entry.barePaths && rest.startsWith('//') && !rest.startsWith('///') && !rest.startsWith('//.')) return parseRemoteFileUrl(text, rest, dialect)
  if (entry.barePaths && scheme === 'file' && rest.startsWith('///')) path = rest.slice(2)
  else if (rest.startsWith('///')) path = rest.slice(3)
  else if (entry.barePaths) path = rest.startsWith('//.') ? rest.slice(2) : rest
  else throw new UrlError(`malformed SQLite URL '${maskPasswords(text)}': use sqlite:///relative/path.sqlite or sqlite:////absolute/path.sqlite`)
  const [pathPart, query = ''] = path.split('?', 2) as [string, string?]
  if (!pathPart) throw new UrlError(`malformed ${entry.barePaths ? '' : 'SQLite '}URL '${maskPasswords(text)}': no file path`)
  const decoded = decodeURIComponent(pathPart)
  const filename = isAbsolute(decoded) ? decoded : resolve(baseDir, decoded)
  const display = entry.barePaths ? `${name}:${decoded}` : `${name}:///${decoded}`
  const parsed: DatabaseUrl = { dialect, display, filename, params: Object.fromEntries(new URLSearchParams(query)) }
  // A file has no password; one given anyway is still never printed.
  takePasswordParameter(parsed)
  return parsed
}

/** `libsql://host[:port]?authToken=…`: the token is the password (never printed, never a parameter). */
function parseRemoteFileUrl(text: string, rest: string, dialect: DialectName): DatabaseUrl {
  const name = dialectEntry(dialect).schemes[0]!
  let url: URL
  try {
    url = new URL(`${name}:${rest}`)
  } catch {
    throw new UrlError(`malformed database URL '${maskPasswords(text)}'`)
  }
  if (!url.hostname) throw new UrlError(`malformed database URL '${maskPasswords(text)}': no host`)
  const params = Object.fromEntries(url.searchParams)
  const token = params.authToken
  delete params.authToken
  if (token) rememberPassword(token)
  const shown = new URL(url.href)
  if (token) shown.searchParams.set('authToken', '***')
  const parsed: DatabaseUrl = { dialect, display: maskPasswords(shown.href), host: url.hostname, params, ...(url.port ? { port: Number(url.port) } : {}), ...(token ? { password: token } : {}) }
  takePasswordParameter(parsed)
  return parsed
}
