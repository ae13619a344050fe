// The organization's email templates (RLS: members read them), a preview
// with given variables (email_template_preview validates them), and saving
// one (save_email_template: owners, admins and managers; only its declared
// variables may be used).
import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";
import type { Database } from "../../../../../supabase/functions/_shared/database.types";
import { useInvalidatingMutation } from "../../../lib/mutations";
import { useOrg } from "../../../lib/session";
import { supabase } from "../../../lib/supabase";

export type Template = Pick<
  Database["public"]["Tables"]["email_templates"]["Row"],
  "key" | "name" | "subject" | "body_text" | "body_html" | "variables" | "late_variables"
>;
export interface Preview {
  subject: string;
  text: string;
  html: string | null;
}

export async function fetchTemplates(orgId: string): Promise<Template[]> {
  const { data, error } = await supabase.from("email_templates")
    .select("key, name, subject, body_text, body_html, variables, late_variables").eq("org_id", orgId).order("name");
  if (error) throw error;
  return (data ?? []) as Template[];
}

export const templatesQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["email-templates", orgId] as const, queryFn: () => fetchTemplates(orgId) });

export function useTemplates() {
  const { orgId } = useOrg();
  return useQuery(templatesQueryOptions(orgId));
}

export async function previewTemplate(orgId: string, key: string, variables: Record<string, string>): Promise<Preview> {
  const { data, error } = await supabase.rpc("email_template_preview", { p_org_id: orgId, p_key: key, p_variables: variables });
  if (error) throw error;
  return data as unknown as Preview;
}

export function usePreviewTemplate() {
  const { orgId } = useOrg();
  return useMutation({ mutationFn: (v: { key: string; variables: Record<string, string> }) => previewTemplate(orgId, v.key, v.variables) });
}

export async function saveTemplate(orgId: string, t: { key: string; subject: string; body_text: string }): Promise<void> {
  const { error } = await supabase.rpc("save_email_template", {
    p_org_id: orgId, p_key: t.key, p_subject: t.subject, p_body_text: t.body_text,
  });
  if (error) throw error;
}

export function useSaveTemplate() {
  const { orgId } = useOrg();
  return useInvalidatingMutation((t: { key: string; subject: string; body_text: string }) => saveTemplate(orgId, t), [
    templatesQueryOptions(orgId).queryKey,
  ], "success");
}
