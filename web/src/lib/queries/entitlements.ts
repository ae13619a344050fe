// The organization's effective plan, limits and usage (org_entitlements RPC;
// members only), shared by billing and the numbers screen. `refetchInterval`
// lets the billing page poll after Checkout.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod/mini";
import { supabase } from "../supabase";

const count = z.catch(z.coerce.number(), 0);
const limit = z.catch(z.nullish(z.coerce.number()), null);

export const Entitlements = z.object({
  plan: z.string(),
  plan_name: z.string(),
  status: z.catch(z.string(), "none"),
  paid: z.catch(z.boolean(), false),
  in_grace: z.catch(z.nullish(z.boolean()), false),
  seats: z.coerce.number(),
  limits: z.catch(
    z.looseObject({
      analyzed_minutes_per_month: limit,
      phone_numbers: limit,
      sim_sessions_per_month: limit,
    }),
    { analyzed_minutes_per_month: null, phone_numbers: null, sim_sessions_per_month: null },
  ),
  features: z.catch(z.array(z.string()), []),
  metered: z.catch(z.nullish(z.boolean()), false),
  current_period_end: z.nullish(z.string()),
  trial_end: z.nullish(z.string()),
  cancel_at: z.nullish(z.string()),
  usage: z.object({
    analyzed_minutes: count,
    phone_numbers: count,
    members: count,
    pending_invitations: count,
  }),
});
export type Entitlements = z.infer<typeof Entitlements>;

export async function fetchEntitlements(orgId: string): Promise<Entitlements> {
  const { data, error } = await supabase.rpc("org_entitlements", { p_org_id: orgId });
  if (error) throw error;
  return Entitlements.parse(data);
}

export const entitlementsQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: ["entitlements", orgId] as const,
    queryFn: () => fetchEntitlements(orgId),
  });

export const useEntitlements = (orgId: string, opts: { refetchInterval?: number | false } = {}) =>
  useQuery({ ...entitlementsQueryOptions(orgId), refetchInterval: opts.refetchInterval ?? false });
