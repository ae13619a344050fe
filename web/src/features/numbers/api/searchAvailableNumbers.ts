// Numbers on offer in a US area code (phone-numbers → Twilio). Never cached:
// what Twilio offers changes by the minute.
import { queryOptions, useQuery } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";

export interface AvailableNumber {
  e164: string;
  friendly_name: string;
  locality: string | null;
  region: string | null;
}

export const searchAvailableNumbers = (orgId: string, areaCode: string) =>
  callFunction<AvailableNumber[]>("phone-numbers", { action: "search", org_id: orgId, area_code: areaCode });

/** The key prefix of every search of the organization (what a purchase invalidates). */
export const availableNumbersBaseKey = (orgId: string) => ["available_numbers", orgId] as const;

export const availableNumbersQueryOptions = (orgId: string, areaCode: string) =>
  queryOptions({
    queryKey: [...availableNumbersBaseKey(orgId), areaCode],
    queryFn: () => searchAvailableNumbers(orgId, areaCode),
    enabled: /^[2-9]\d\d$/.test(areaCode),
    staleTime: 0,
    gcTime: 60_000,
    retry: false,
    refetchOnWindowFocus: false,
  });

export const useAvailableNumbers = (orgId: string, areaCode: string) =>
  useQuery(availableNumbersQueryOptions(orgId, areaCode));
