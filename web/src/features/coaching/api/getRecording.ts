// The call's recording, through the `call-recording` Edge Function.
//
// How the audio is authorized: the function has verify_jwt = true, so the
// caller's access token must travel in the Authorization header — which an
// <audio src> request cannot carry. We do not put the token in the URL
// (`?access_token=`): verify_jwt on Supabase only reads the header (we would
// have to switch it off and verify by hand), and a bearer token in a URL ends
// up in gateway/proxy access logs, browser history and Referer headers, where
// it stays valid until it expires. Instead the SPA fetches the media with the
// header, and the player plays it from a Blob (object URL). Seeking is then
// local and instant. The cost is that playback starts after the download;
// we ask for Twilio's MP3 (about 1 MB for 4 minutes, a tenth of the WAV).
// The function also answers Range requests (206) for clients that stream.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { FunctionError } from "../../../lib/functions";
import { env, supabase } from "../../../lib/supabase";

export async function getRecording(callId: string, signal?: AbortSignal): Promise<Blob> {
  const { data: { session } } = await supabase.auth.getSession();
  if (!session) throw new FunctionError(401, "not_authenticated", "Please sign in again.");
  const q = new URLSearchParams({ call_id: callId, format: "mp3" });
  const res = await fetch(`${env.supabaseUrl}/functions/v1/call-recording?${q}`, {
    headers: { apikey: env.supabaseAnonKey, authorization: `Bearer ${session.access_token}` },
    signal,
  });
  if (!res.ok) {
    const body = await res.json().catch(() => ({})) as { error?: { code?: string; message?: string } };
    throw new FunctionError(res.status, body.error?.code ?? "error", body.error?.message ?? `The recording could not be loaded (HTTP ${res.status})`);
  }
  return await res.blob();
}

export const recordingQueryOptions = (callId: string, enabled = true) =>
  queryOptions({
    queryKey: ["coaching", callId, "recording"] as const,
    queryFn: ({ signal }) => getRecording(callId, signal),
    enabled,
    // The media never changes; keep it while the page is open, drop it soon after.
    staleTime: Infinity,
    gcTime: 60_000,
    refetchOnWindowFocus: false,
    retry: (count, err) => count < 2 && (err instanceof FunctionError ? err.status >= 500 : true),
  });

export const useRecording = (callId: string, enabled = true) => useQuery(recordingQueryOptions(callId, enabled));
