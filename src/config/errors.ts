/**
 * An error meant for the user: the CLI prints its message as one line (exit 1) without a stack trace.
 * `hint` is appended to say what to do.
 */
export class StrataError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message)
    this.name = 'StrataError'
  }
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends StrataError {
  constructor(message: string) {
    super(message, 2)
    this.name = 'UsageError'
  }
}
