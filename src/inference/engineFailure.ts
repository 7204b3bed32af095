/**
 * A failure with the protocol's error code and a sentence for the page. Helpers throw it; the
 * worker glue turns it into one `error` message. Anything else that escapes is a bug and is
 * reported as 'internal'.
 */
import type { EngineError, ErrorCode } from '../workers/protocol';

export class EngineFailure extends Error {
  readonly code: ErrorCode;
  readonly fatal: boolean;
  constructor(code: ErrorCode, message: string, fatal = false) {
    super(message);
    this.name = 'EngineFailure';
    this.code = code;
    this.fatal = fatal;
  }
}

export function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The `error` message for any thrown value; `fatal` overrides the failure's own flag when given. */
export function toEngineError(
  err: unknown,
  context: { requestId?: number; fatal?: boolean } = {},
): EngineError {
  const failure =
    err instanceof EngineFailure
      ? err
      : new EngineFailure('internal', `Unexpected engine error: ${errorMessageOf(err)}`);
  return {
    type: 'error',
    code: failure.code,
    message: failure.message,
    fatal: context.fatal ?? failure.fatal,
    ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
  };
}
