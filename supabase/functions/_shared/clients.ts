// Supabase clients for Edge Functions.
//  - userClient(req): forwards the caller's Authorization, so every query
//    runs under RLS as that user.
//  - serviceClient(): the service role (bypasses RLS). Only webhooks and jobs
//    use it, after they have authenticated the provider or the backend.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "./database.types.ts";
import { supabaseEnv } from "./env.ts";
import { fetchWithRequestId } from "./log.ts";

export type Db = SupabaseClient<Database>;

const noSession = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } };
// Every PostgREST call carries the current request id (SQL reads it: private.request_id()).
const global = { fetch: fetchWithRequestId };

let service: Db | undefined;

export function serviceClient(): Db {
  const env = supabaseEnv();
  service ??= createClient<Database>(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, { ...noSession, global });
  return service;
}

export function userClient(req: Request): Db {
  const env = supabaseEnv();
  return createClient<Database>(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    ...noSession,
    global: { ...global, headers: { Authorization: req.headers.get("Authorization") ?? "" } },
  });
}
