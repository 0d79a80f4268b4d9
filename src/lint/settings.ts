import { StrataError } from '../errors.js'
import { isLintRuleId } from './catalogue.js'
import type { RuleSettings } from './lint-operations.js'

const LEVELS = new Set(['off', 'error', 'warning', 'info'])

/** The `lint.rules` of a config, checked: an unknown rule id or level is a config error naming it. */
export function ruleSettings(lint: { rules?: Record<string, string> } | undefined, file: string): RuleSettings {
  const rules = lint?.rules ?? {}
  for (const [id, level] of Object.entries(rules)) {
    if (!isLintRuleId(id)) throw new StrataError(`invalid config ${file}: lint.rules names no rule '${id}' (see docs/lint.md)`, { code: 'config' })
    if (!LEVELS.has(level)) throw new StrataError(`invalid config ${file}: lint.rules['${id}'] must be 'off', 'error', 'warning' or 'info'`, { code: 'config' })
  }
  return rules as RuleSettings
}
