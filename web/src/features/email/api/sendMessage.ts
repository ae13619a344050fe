// Sends an email (send_email_message): a new thread, or a reply in one.
// Queued for Mailgun; the thread list and the thread are refetched.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";
import { threadsQueryOptions } from "./listThreads";

export interface Outgoing {
  to?: string;
  subject?: string;
  body: string;
  threadId?: string;
  templateKey?: string | null;
  sourceType?: "call" | "referral" | null;
  sourceId?: string | null;
  contactName?: string | null;
}

export async function sendMessage(orgId: string, m: Outgoing): Promise<{ thread_id: string; message_id: string }> {
  const { data, error } = await supabase.rpc("send_email_message", {
    p_org_id: orgId,
    p_to: m.to ?? "",
    p_subject: m.subject ?? "",
    p_body: m.body,
    ...(m.threadId ? { p_thread_id: m.threadId } : {}),
    ...(m.templateKey ? { p_template_key: m.templateKey } : {}),
    ...(m.sourceType && m.sourceId ? { p_source_type: m.sourceType, p_source_id: m.sourceId } : {}),
    ...(m.contactName ? { p_contact_name: m.contactName } : {}),
  });
  if (error) throw error;
  return data as { thread_id: string; message_id: string };
}

export function useSendMessage() {
  const { orgId } = useOrg();
  return useInvalidatingMutation((m: Outgoing) => sendMessage(orgId, m), [threadsQueryOptions(orgId).queryKey]);
}
