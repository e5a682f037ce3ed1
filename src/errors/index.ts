/**
 * Typed errors with stable codes. Library code throws these; the CLI maps
 * `usage` errors to exit code 2 and the rest to 1, the API maps `httpStatus`.
 * The full table of codes is documented in docs/errors.md.
 */

/** Category of an error, used by the CLI (exit code) and the API (HTTP status). */
export type ErrorKind = 'usage' | 'not-found' | 'conflict' | 'failed' | 'unavailable';

const HTTP_STATUS: Record<ErrorKind, number> = {
  usage: 422,
  'not-found': 404,
  conflict: 409,
  failed: 500,
  unavailable: 503,
};

/** Mark of the tool's errors, the same for every copy of this file loaded in one process (`Symbol.for`). */
const ERROR_MARK = Symbol.for('disklessset.error');

/** Base class of every error the library throws on purpose. */
export class DisklessError extends Error {
  /**
   * `instanceof` also accepts an error made by another copy of these classes:
   * the bundled CLI carries its own copy, and a module in the extra modules
   * folder that imports the library gets the compiled one. Such an error is
   * an instance when it carries the mark and a class of its prototype chain
   * has this class's name (`UsageError`...).
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(ERROR_MARK in value)) return false;
    for (let proto = Object.getPrototypeOf(value) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }

  /** Stable machine-readable code, e.g. `E_IMAGE_NOT_FOUND`. */
  readonly code: string;
  readonly kind: ErrorKind;
  /** What the user can do about it; printed after the message by the CLI. */
  readonly hint?: string;

  constructor(code: string, kind: ErrorKind, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.hint = hint;
  }

  /** HTTP status the API answers with for this error. */
  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }

  /**
   * The one line the CLI prints: message, then the fix. Control characters
   * (a newline in a name the user typed, a terminal escape) are shown
   * escaped (`\x0a`), so the line stays one line and cannot drive the terminal.
   */
  get oneLine(): string {
    return escapeControls(this.hint ? `${this.message}; ${this.hint}` : this.message);
  }
}

Object.defineProperty(DisklessError.prototype, ERROR_MARK, { value: true });

/** `text` with each control character (C0, DEL, C1) written as `\xNN`. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Bad input from the user: nothing was changed. CLI exit code 2, HTTP 422. */
export class UsageError extends DisklessError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, 'usage', message, hint, options);
  }
}

/** A named object (image, kernel, module, node, job) does not exist. */
export class NotFoundError extends DisklessError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, 'not-found', message, hint, options);
  }
}

/** The object exists but its state forbids the action (name taken, busy, mounted). */
export class ConflictError extends DisklessError {
  constructor(code: string, message: string, hint?: string) {
    super(code, 'conflict', message, hint);
  }
}

/** An operation was attempted and failed (a tool exited non-zero, a disk was full). */
export class OperationError extends DisklessError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, 'failed', message, hint, options);
  }
}

/** A system tool or facility the action needs is missing on this host. */
export class UnavailableError extends DisklessError {
  constructor(code: string, message: string, hint?: string, options?: { cause?: unknown }) {
    super(code, 'unavailable', message, hint, options);
  }
}
