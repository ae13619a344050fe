// Buys a number for the organization (phone-numbers: plan limit checked first,
// Twilio purchase, row written — or the number released again).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";
import { type PhoneNumber, phoneNumbersQueryOptions } from "./getPhoneNumbers";
import { entitlementsQueryOptions } from "../../../lib/queries/entitlements";
import { availableNumbersBaseKey } from "./searchAvailableNumbers";

export interface BuyNumberInput {
  e164: string;
  agentId: string | null;
  friendlyName?: string;
}

export const buyNumber = (orgId: string, input: BuyNumberInput) =>
  callFunction<PhoneNumber>("phone-numbers", {
    action: "buy",
    org_id: orgId,
    e164: input.e164,
    ...(input.agentId ? { agent_id: input.agentId } : {}),
    ...(input.friendlyName?.trim() ? { friendly_name: input.friendlyName.trim() } : {}),
  });

export function useBuyNumber(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: BuyNumberInput) => buyNumber(orgId, input),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: phoneNumbersQueryOptions(orgId).queryKey }),
        qc.invalidateQueries({ queryKey: entitlementsQueryOptions(orgId).queryKey }),
        qc.invalidateQueries({ queryKey: availableNumbersBaseKey(orgId) }),
      ]),
  });
}
