// Ends a session and scores it (502 scoring_failed: nothing was saved, ending again retries).
import { callFunction } from "../../../lib/functions";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { type SessionRow, sessionQueryOptions } from "./getSession";

export async function endSession(sessionId: string): Promise<SessionRow> {
  return (await callFunction<{ session: SessionRow }>("sims", { action: "end", session_id: sessionId })).session;
}

export function useEndSession(orgId: string, sessionId: string) {
  return useInvalidatingMutation(() => endSession(sessionId), [sessionQueryOptions(sessionId).queryKey, ["sims", orgId]]);
}
