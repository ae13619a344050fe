// The plans on sale (public catalog), in display order.
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { Tables } from "../../../../../supabase/functions/_shared/database.types";
import { supabase } from "../../../lib/supabase";

export type Plan = Pick<
  Tables<"plans">,
  | "id"
  | "key"
  | "name"
  | "description"
  | "price_monthly_cents"
  | "price_yearly_cents"
  | "seats_included"
  | "limits"
  | "features"
  | "sort"
  | "stripe_price_monthly"
  | "stripe_price_yearly"
  | "stripe_price_metered"
>;

export async function fetchPlans(): Promise<Plan[]> {
  const { data, error } = await supabase.from("plans")
    .select(
      "id, key, name, description, price_monthly_cents, price_yearly_cents, seats_included, limits, features, sort, stripe_price_monthly, stripe_price_yearly, stripe_price_metered",
    )
    .eq("active", true)
    .order("sort");
  if (error) throw error;
  return [...((data ?? []) as Plan[])].sort((a, b) => a.sort - b.sort || a.price_monthly_cents - b.price_monthly_cents);
}

export const plansQueryOptions = () =>
  queryOptions({
    queryKey: ["plans"],
    queryFn: fetchPlans,
    staleTime: 5 * 60_000,
  });

export const usePlans = () => useQuery(plansQueryOptions());
