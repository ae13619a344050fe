// Which PII types the organization redacts from transcripts
// (organizations.settings.redact_types; every type when unset).
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { supabase } from "../../../lib/supabase";

export const PII_TYPES = [
  { value: "CARD", label: "Card numbers" },
  { value: "CVV", label: "Card security codes" },
  { value: "SSN", label: "Social security numbers" },
  { value: "ACCOUNT", label: "Account numbers" },
  { value: "PHONE", label: "Phone numbers" },
  { value: "EMAIL", label: "Email addresses" },
  { value: "DOB", label: "Dates of birth" },
  { value: "ADDRESS", label: "Street addresses and ZIP codes" },
  { value: "NAME", label: "The customer's name" },
] as const;
export type PiiType = (typeof PII_TYPES)[number]["value"];
const ALL = PII_TYPES.map((t) => t.value);

export async function fetchRedactionTypes(orgId: string): Promise<PiiType[]> {
  const { data, error } = await supabase.from("organizations").select("settings").eq("id", orgId).maybeSingle();
  if (error) throw error;
  const types = (data?.settings as { redact_types?: unknown } | null)?.redact_types;
  return Array.isArray(types) ? ALL.filter((t) => types.includes(t)) : [...ALL];
}

export const redactionQueryOptions = (orgId: string) =>
  queryOptions({ queryKey: ["privacy", orgId, "redaction"] as const, queryFn: () => fetchRedactionTypes(orgId) });

export const useRedactionTypes = (orgId: string) => useQuery(redactionQueryOptions(orgId));

export function useSaveRedactionTypes(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (types: PiiType[]) => {
      const { error } = await supabase.rpc("set_redaction_types", { p_org_id: orgId, p_types: types });
      if (error) throw error;
    },
    onSettled: () => qc.invalidateQueries({ queryKey: redactionQueryOptions(orgId).queryKey }),
  });
}
