// Starts a practice session (the `sims` function; SP402 when the plan's
// monthly SIM sessions are used up, SP422 when no attempts are left).
import { callFunction } from "../../../lib/functions";
import { useInvalidatingMutation } from "../../../lib/mutations";
import type { SessionRow } from "./getSession";

export async function startSession(templateId: string, simId: string | null): Promise<SessionRow> {
  const r = await callFunction<{ session: SessionRow }>("sims", { action: "start", template_id: templateId, ...(simId ? { sim_id: simId } : {}) });
  return r.session;
}

export function useStartSession(orgId: string) {
  return useInvalidatingMutation((v: { templateId: string; simId: string | null }) => startSession(v.templateId, v.simId), [["sims", orgId]]);
}
