// Calls an Edge Function with the user's session; errors carry the
// function's `{ error: { code, message } }`.
import { env, supabase } from "./supabase";

export class FunctionError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

/** POSTs `body` to the function as the signed-in user (the anon key without a session). */
async function post(name: string, body: unknown): Promise<Response> {
  const { data: { session } } = await supabase.auth.getSession();
  return await fetch(`${env.supabaseUrl}/functions/v1/${name}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      apikey: env.supabaseAnonKey,
      authorization: `Bearer ${session?.access_token ?? env.supabaseAnonKey}`,
    },
    body: JSON.stringify(body),
  });
}

export async function callFunction<T>(name: string, body: unknown): Promise<T> {
  const res = await post(name, body);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new FunctionError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `Request failed (${res.status})`);
  }
  return json as T;
}

/**
 * Calls an Edge Function that answers with NDJSON (one JSON object a line)
 * and hands each object to `onEvent` as it arrives; errors before the stream
 * starts are thrown as for callFunction.
 */
export async function streamFunction<E>(name: string, body: unknown, onEvent: (event: E) => void): Promise<void> {
  const res = await post(name, body);
  if (!res.ok || !res.body) {
    const json = await res.json().catch(() => ({}));
    throw new FunctionError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `Request failed (${res.status})`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffered += value;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onEvent(JSON.parse(line) as E);
    }
    if (done) break;
  }
  if (buffered.trim()) onEvent(JSON.parse(buffered) as E);
}
