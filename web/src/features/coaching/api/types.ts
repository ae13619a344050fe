// Row shapes the coaching screen reads, derived from the generated database
// types and the analysis schema (both shared with the Edge Functions; type
// imports only, nothing of the backend is bundled).
import type { Insight } from "../../../../../supabase/functions/_shared/insights/schema";
import type { Enums, Tables } from "../../../../../supabase/functions/_shared/database.types";

export type { Insight };
export type Evidence = Insight["key_moments"][number]["evidence"];
export type CallStatus = Enums<"call_status">;

export type CallDetail =
  & Pick<
    Tables<"calls">,
    "id" | "org_id" | "status" | "error" | "started_at" | "duration_seconds" | "direction" | "from_number" | "twilio_recording_sid"
  >
  & { agent: Pick<Tables<"agents">, "id" | "name"> | null };

export interface Segment {
  start: number;
  end: number;
  speaker: "agent" | "customer";
  text: string;
}

export interface ScriptItem {
  id: string;
  label: string;
}

export type InsightRow = Pick<Tables<"insights">, "id" | "org_id" | "analyzer" | "model" | "created_at" | "script_id"> & {
  data: Insight;
  /** Checklist labels of the script the call was scored against. */
  scriptItems: ScriptItem[];
};

export type Comment = Pick<Tables<"call_comments">, "id" | "at_seconds" | "body" | "author_id" | "created_at"> & {
  authorName: string | null;
};

/** The pipeline is still working on the call. */
export const PROCESSING: readonly CallStatus[] = ["in_progress", "received", "transcribing", "analyzing"];
export const isProcessing = (status: CallStatus | undefined) => status !== undefined && PROCESSING.includes(status);
