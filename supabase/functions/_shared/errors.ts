// One error shape for every function — `{ error: { code, message } }` — and
// the one place where SalesPulse's SQLSTATE codes are documented.
//
// SQL raises `raise exception '…' using errcode = 'SPnnn'`; the digits are the
// HTTP status the code stands for. Through PostgREST an RPC error arrives as
// HTTP 400 with `{ code: "SPnnn", message }` (PostgREST maps unknown SQLSTATEs
// to 400); the SPA and Edge Functions map it with httpStatusFor().
import { jsonError } from "./http.ts";

export const SQL_ERRORS = {
  SP400: { status: 400, code: "invalid_input", meaning: "a parameter is malformed (name, slug, email, …)" },
  SP401: { status: 401, code: "not_authenticated", meaning: "the caller is not signed in" },
  SP402: { status: 402, code: "plan_limit", meaning: "the organization's plan does not allow this (limit or feature)" },
  SP403: { status: 403, code: "forbidden", meaning: "the caller's role does not allow this" },
  SP404: { status: 404, code: "not_found", meaning: "no such row visible to the caller" },
  SP409: { status: 409, code: "conflict", meaning: "duplicate (slug taken, already a member, …)" },
  SP410: { status: 410, code: "gone", meaning: "expired, already used or revoked (invitations)" },
  SP422: { status: 422, code: "rule_violation", meaning: "a business rule forbids it (e.g. removing the last owner)" },
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

/** A Response for a database error, without leaking internals on 5xx. */
export function dbErrorResponse(err: { code?: string; message?: string } | null | undefined): Response {
  const status = httpStatusFor(err?.code);
  const known = err?.code && err.code in SQL_ERRORS ? SQL_ERRORS[err.code as SqlErrorCode] : null;
  if (status >= 500) {
    console.error("database error", err);
    return jsonError(500, known?.code ?? "internal_error", "Something went wrong on our side");
  }
  return jsonError(status, known?.code ?? err?.code ?? "bad_request", err?.message ?? "Request failed");
}
