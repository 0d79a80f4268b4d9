import type { DetectedChange } from '../autogenerate/index.js'
import { compareWithDatabase, type CompareOptions } from './autogenerate.js'
import { type ConfigInput, resolveProject } from './project.js'

/**
 * `strata check`: the differences between the schema files and the database (empty when they agree). Named
 * `checkSchema` because `check` is the table extra for a CHECK constraint.
 */
export async function checkSchema(config: ConfigInput, options: CompareOptions = {}): Promise<DetectedChange[]> {
  return (await compareWithDatabase(await resolveProject(config), options)).changes
}
