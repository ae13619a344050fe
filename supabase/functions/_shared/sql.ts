// Direct Postgres access for the backend's hot paths (the webhook ack, the
// job queue). SUPABASE_DB_URL is injected by Supabase (and by the local
// functions server); a small pool per isolate, no prepared statements so the
// transaction-mode pooler (Supavisor) works too. Only backend-only SQL
// functions are called through it — never on behalf of a user (user requests
// go through PostgREST under RLS: _shared/clients.ts).
import postgres from "postgres";
import { z } from "zod";
import { currentRequestId } from "./log.ts";

let sql: postgres.Sql | undefined;

export function backendSql(): postgres.Sql {
  if (sql) return sql;
  const url = z.string().min(1).safeParse(Deno.env.get("SUPABASE_DB_URL"));
  if (!url.success) throw new Error("missing or invalid environment: SUPABASE_DB_URL");
  sql = postgres(url.data, {
    max: 4,
    prepare: false,
    idle_timeout: 20,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "edge-functions" },
  });
  return sql;
}

/**
 * The first CTE of a backend statement that writes: `_request`, which sets the
 * current request id for this statement alone (private.request_id() reads it,
 * so the rows written — jobs, insights — carry it, as PostgREST calls do).
 * Materialized, and read by the statement's FROM, so it runs before the rest.
 */
export function requestScope(sql: postgres.Sql): postgres.PendingQuery<postgres.Row[]> {
  return sql`_request as materialized (select set_config('request.id', ${currentRequestId() ?? ""}, true) as request_id)`;
}

/** `select <expr> as r` on the backend pool under the current request id (requestScope). */
export function inRequest<T = unknown>(sql: postgres.Sql, expr: postgres.PendingQuery<postgres.Row[]>): Promise<{ r: T }[]> {
  return sql<{ r: T }[]>`with ${requestScope(sql)} select ${expr} as r from _request`;
}
