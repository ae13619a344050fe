// The call's recording, through the `call-recording` Edge Function: the SPA
// asks it (with the session's token, after its RLS check) for a signed URL
// good for 5 minutes, and the <audio> element streams that URL with ordinary
// Range requests that carry no token. A URL that expired while the page was
// open is replaced by a fresh one (the player asks again on a media error).
import { queryOptions, useQuery } from "@tanstack/react-query";
import { FunctionError } from "../../../lib/functions";
import { env, supabase } from "../../../lib/supabase";

export interface SignedRecording {
  url: string;
  expires_at: string;
}

export async function getRecordingUrl(callId: string, signal?: AbortSignal): Promise<SignedRecording> {
  const { data: { session } } = await supabase.auth.getSession();
  if (!session) throw new FunctionError(401, "not_authenticated", "Please sign in again.");
  const res = await fetch(`${env.supabaseUrl}/functions/v1/call-recording`, {
    method: "POST",
    headers: { apikey: env.supabaseAnonKey, authorization: `Bearer ${session.access_token}`, "content-type": "application/json" },
    body: JSON.stringify({ call_id: callId, format: "mp3" }),
    signal,
  });
  const body = await res.json().catch(() => ({})) as Partial<SignedRecording> & { error?: { code?: string; message?: string } };
  if (!res.ok || !body.url) {
    throw new FunctionError(res.status, body.error?.code ?? "error", body.error?.message ?? `The recording could not be loaded (HTTP ${res.status})`);
  }
  return { url: body.url, expires_at: body.expires_at ?? "" };
}

export const recordingQueryOptions = (callId: string, enabled = true) =>
  queryOptions({
    queryKey: ["coaching", callId, "recording"] as const,
    queryFn: ({ signal }) => getRecordingUrl(callId, signal),
    enabled,
    // Good for 5 minutes: the player keeps it until the media fails, then asks again.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    retry: (count, err) => count < 2 && (err instanceof FunctionError ? err.status >= 500 : true),
  });

export const useRecording = (callId: string, enabled = true) => useQuery(recordingQueryOptions(callId, enabled));
