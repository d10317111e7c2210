/**
 * The one base error of Capsule. Every error the project throws on purpose is a subclass, carries a
 * stable `code` a program can switch on, keeps the underlying `cause`, and says in its message what
 * failed, where, and what to try.
 */
export class CapsuleError extends Error {
  readonly code: string;
  /** What the reader can do about it, printed on its own line by the CLI. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** Finds the first CapsuleError in an error's `cause` chain (Eleventy wraps errors thrown by plugins). */
export function findCapsuleError(error: unknown): CapsuleError | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    if (current instanceof CapsuleError) return current;
    seen.add(current);
    current = (current as { cause?: unknown; originalError?: unknown }).cause
      ?? (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}
