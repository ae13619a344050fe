// One error shape for every function — `{ error: { code, message } }` — and
// the one place where SalesPulse's SQLSTATE codes are documented.
//
// SQL raises `raise exception '…' using errcode = 'SPnnn'`; the digits are the
// HTTP status the code stands for. Through PostgREST an RPC error arrives as
// HTTP 400 with `{ code: "SPnnn", message }` (PostgREST maps unknown SQLSTATEs
// to 400); the SPA and Edge Functions map it with httpStatusFor().
import { jsonError } from "./http.ts";
import { log } from "./log.ts";

export const SQL_ERRORS = {
  SP400: { status: 400, code: "invalid_input", meaning: "a parameter is malformed (name, slug, email, …)" },
  SP401: { status: 401, code: "not_authenticated", meaning: "the caller is not signed in" },
  SP402: { status: 402, code: "plan_limit", meaning: "the organization's plan does not allow this (limit or feature)" },
  SP403: { status: 403, code: "forbidden", meaning: "the caller's role does not allow this" },
  SP404: { status: 404, code: "not_found", meaning: "no such row visible to the caller" },
  SP409: { status: 409, code: "conflict", meaning: "duplicate (slug taken, already a member, …)" },
  SP410: { status: 410, code: "gone", meaning: "expired, already used or revoked (invitations)" },
  SP422: { status: 422, code: "rule_violation", meaning: "a business rule forbids it (e.g. removing the last owner)" },
  SP429: { status: 429, code: "rate_limited", meaning: "too many attempts (e.g. re-inviting an address); try again later" },
  SP500: { status: 500, code: "misconfigured", meaning: "server configuration is missing (e.g. Vault secrets)" },
} as const;

export type SqlErrorCode = keyof typeof SQL_ERRORS;

/** HTTP status for a Postgres/PostgREST error code (our SPnnn or a few standard ones). */
export function httpStatusFor(sqlstate: string | undefined | null): number {
  if (!sqlstate) return 500;
  if (sqlstate in SQL_ERRORS) return SQL_ERRORS[sqlstate as SqlErrorCode].status;
  if (sqlstate === "42501") return 403; // insufficient_privilege (RLS)
  if (sqlstate === "23505") return 409; // unique_violation
  if (sqlstate === "23503" || sqlstate === "23514" || sqlstate === "22P02") return 400;
  if (sqlstate.startsWith("PGRST")) return 400;
  return 500;
}

// Generic wording for the standard SQLSTATEs a client can provoke: their
// Postgres messages name tables, columns and constraints, so none is passed on.
const STANDARD_ERRORS: Record<string, { code: string; message: string }> = {
  "42501": { code: "forbidden", message: "You do not have access to this" },
  "23505": { code: "conflict", message: "This already exists" },
  "23503": { code: "invalid_input", message: "A referenced row does not exist" },
  "23514": { code: "invalid_input", message: "A value is out of range" },
  "22P02": { code: "invalid_input", message: "A value has the wrong format" },
};

/** A Postgres/PostgREST error as supabase-js reports it. */
export interface DbError {
  code?: string;
  message?: string;
}

/** What a supabase-js query resolves to. */
export interface DbResult<T> {
  data: T | null;
  error: DbError | null;
}

/**
 * A Response for a database error. Only the messages of our own SPnnn codes
 * (written for users) reach the client; any other database error is answered
 * with a generic message and a stable code, never Postgres' message, detail or hint.
 */
export function dbErrorResponse(err: DbError | null | undefined): Response {
  const status = httpStatusFor(err?.code);
  const known = err?.code && err.code in SQL_ERRORS ? SQL_ERRORS[err.code as SqlErrorCode] : null;
  if (status >= 500) {
    log("error", "database error", { code: err?.code, error: err?.message });
    return jsonError(500, known?.code ?? "internal_error", "Something went wrong on our side");
  }
  if (known) return jsonError(status, known.code, err?.message ?? known.meaning);
  const standard = STANDARD_ERRORS[err?.code ?? ""];
  if (standard) return jsonError(status, standard.code, standard.message);
  log("warn", "database error answered as a bad request", { code: err?.code, error: err?.message });
  return jsonError(status, "bad_request", "The request could not be completed");
}
