/**
 * strata's record of an object it created, kept in the object's comment (`strata:<md5>:<json>`): the declared
 * form as JSON, and an md5 of the server's own text for it (computed by the server as the comment is written, so
 * offline scripts carry it too). See shared/view-record.ts.
 */
import { VIEW_RECORD_PREFIX } from '../shared/view-record.js'
import { quoteLiteral } from './postgres-quote.js'

/** A DO block: `COMMENT ON <target> IS 'strata:' || md5(<serverText>) || ':' || <json>`. */
export function recordCommentSql(target: string, serverText: string, json: string): string {
  const body =
    `EXECUTE ${quoteLiteral(`COMMENT ON ${target} IS `)} || quote_literal(` +
    `${quoteLiteral(VIEW_RECORD_PREFIX)} || md5(${serverText}) || ':' || ${quoteLiteral(json)});`
  let tag = '$strata$'
  while (body.includes(tag)) tag = `$strata${tag.length}$`
  return `DO ${tag}BEGIN ${body} END${tag}`
}

/** The md5 and JSON of a record comment, or null when the comment is not one. */
export function parseRecordComment(comment: string | null): { fingerprint: string; json: string } | null {
  const match = comment ? /^strata:([0-9a-f]{32}):([\s\S]*)$/u.exec(comment) : null
  return match ? { fingerprint: match[1]!, json: match[2]! } : null
}
