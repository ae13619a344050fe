// "N of M numbers" on the organization's plan, from org_entitlements.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { supabase } from "../../../lib/supabase";

const Entitlements = z.object({
  plan: z.string(),
  plan_name: z.string(),
  limits: z.object({ phone_numbers: z.coerce.number().nullish() }).loose(),
  usage: z.object({ phone_numbers: z.coerce.number() }).loose(),
}).loose();

export interface NumberUsage {
  plan: string;
  planName: string;
  used: number;
  /** null: the plan sets no limit. */
  limit: number | null;
  atLimit: boolean;
}

export async function fetchNumberUsage(orgId: string): Promise<NumberUsage> {
  const { data, error } = await supabase.rpc("org_entitlements", { p_org_id: orgId });
  if (error) throw error;
  const e = Entitlements.parse(data);
  const limit = e.limits.phone_numbers ?? null;
  return {
    plan: e.plan,
    planName: e.plan_name,
    used: e.usage.phone_numbers,
    limit,
    atLimit: limit !== null && e.usage.phone_numbers >= limit,
  };
}

export const numberUsageQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["entitlements", orgId, "numbers"],
    queryFn: () => fetchNumberUsage(orgId),
  });

export const useNumberUsage = (orgId: string) => useQuery(numberUsageQueryOptions(orgId));
