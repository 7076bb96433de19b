import type { ErrorInfo } from "./types";

/**
 * A failed backend command. The UI only ever switches on `code`; `message` is
 * shown to the user as written by the core.
 */
export class AppError extends Error implements ErrorInfo {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }
}

function isErrorInfo(e: unknown): e is ErrorInfo {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/**
 * Converts whatever a command rejected with into an AppError. The core rejects
 * with `{ code, message }`; Tauri itself rejects with a plain string (e.g. an
 * unknown command), which becomes code "internal".
 */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (isErrorInfo(e)) return new AppError(e.code, e.message);
  if (typeof e === "string") return new AppError("internal", e);
  if (e instanceof Error) return new AppError("internal", e.message);
  return new AppError("internal", "Unexpected error");
}
