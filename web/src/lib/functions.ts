// Calls an Edge Function with the user's session; errors carry the
// function's `{ error: { code, message } }`.
import { env, supabase } from "./supabase";

export class FunctionError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

export async function callFunction<T>(name: string, body: unknown): Promise<T> {
  const { data: { session } } = await supabase.auth.getSession();
  const res = await fetch(`${env.supabaseUrl}/functions/v1/${name}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      apikey: env.supabaseAnonKey,
      authorization: `Bearer ${session?.access_token ?? env.supabaseAnonKey}`,
    },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new FunctionError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `Request failed (${res.status})`);
  }
  return json as T;
}
