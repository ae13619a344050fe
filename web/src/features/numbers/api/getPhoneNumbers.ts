// The organization's phone numbers (all statuses; active first), read under RLS.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";

export type PhoneNumber = Pick<
  Tables<"phone_numbers">,
  "id" | "org_id" | "e164" | "friendly_name" | "agent_id" | "status" | "provider_sid" | "created_at"
>;

export async function fetchPhoneNumbers(orgId: string): Promise<PhoneNumber[]> {
  const { data, error } = await supabase.from("phone_numbers")
    .select("id, org_id, e164, friendly_name, agent_id, status, provider_sid, created_at")
    .eq("org_id", orgId)
    .order("created_at", { ascending: true });
  if (error) throw error;
  const rows = (data ?? []) as PhoneNumber[];
  // Numbers in use first, released ones (kept for the call history) last.
  return [...rows].sort((a, b) => Number(a.status === "released") - Number(b.status === "released"));
}

export const phoneNumbersQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["phone_numbers", orgId],
    queryFn: () => fetchPhoneNumbers(orgId),
  });

export const usePhoneNumbers = (orgId: string) => useQuery(phoneNumbersQueryOptions(orgId));
