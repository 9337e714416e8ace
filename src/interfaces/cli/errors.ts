// The CLI's two error kinds: CliError (one line, exit 1 or the code given) and UsageError (exit 2).
// Light on purpose: main.ts loads it before any command module.
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string, readonly usage?: string) {
    super(message, 2);
  }
}
