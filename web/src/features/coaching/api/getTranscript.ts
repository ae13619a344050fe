// The call's (PII-redacted) transcript: sentences with times and speakers.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";
import { POLL_MS } from "./getCall";
import type { Segment } from "./types";

export interface Transcript {
  segments: Segment[];
  language: string | null;
  /** How many of each PII type were redacted ({ SSN: 1, PHONE: 2 }). */
  redactions: Record<string, number>;
}

export async function getTranscript(callId: string): Promise<Transcript | null> {
  const { data, error } = await supabase.from("transcripts").select("segments, language, redactions").eq("call_id", callId).maybeSingle();
  if (error) throw error;
  if (!data) return null;
  const segments = (Array.isArray(data.segments) ? data.segments as unknown as Segment[] : [])
    .filter((s) => typeof s?.start === "number" && typeof s?.text === "string")
    .sort((a, b) => a.start - b.start);
  const redactions = Object.fromEntries(
    Object.entries((data.redactions ?? {}) as Record<string, unknown>).filter(([, n]) => typeof n === "number" && n > 0),
  ) as Record<string, number>;
  return { segments, language: data.language ?? null, redactions };
}

export const transcriptQueryOptions = (callId: string, processing = false) =>
  queryOptions({
    queryKey: ["coaching", callId, "transcript"] as const,
    queryFn: () => getTranscript(callId),
    refetchInterval: processing ? POLL_MS : false,
  });

export const useTranscript = (callId: string, processing = false) => useQuery(transcriptQueryOptions(callId, processing));
