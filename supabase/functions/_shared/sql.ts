// Direct Postgres access for the backend's hot paths (the webhook ack, the
// job queue). SUPABASE_DB_URL is injected by Supabase (and by the local
// functions server); a small pool per isolate, no prepared statements so the
// transaction-mode pooler (Supavisor) works too. Only backend-only SQL
// functions are called through it — never on behalf of a user (user requests
// go through PostgREST under RLS: _shared/clients.ts).
import postgres from "postgres";
import { z } from "zod";

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
