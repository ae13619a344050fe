// "N of M numbers" on the organization's plan: the shared entitlements query
// (lib/queries/entitlements.ts), narrowed to phone numbers.
import { useQuery } from "@tanstack/react-query";
import { type Entitlements, entitlementsQueryOptions } from "../../../lib/queries/entitlements";

export interface NumberUsage {
  plan: string;
  planName: string;
  used: number;
  /** null: the plan sets no limit. */
  limit: number | null;
  atLimit: boolean;
}

export function toNumberUsage(e: Entitlements): NumberUsage {
  const limit = e.limits.phone_numbers ?? null;
  const used = e.usage.phone_numbers;
  return { plan: e.plan, planName: e.plan_name, used, limit, atLimit: limit !== null && used >= limit };
}

export const useNumberUsage = (orgId: string) => useQuery({ ...entitlementsQueryOptions(orgId), select: toNumberUsage });
