// Buys a number for the organization (phone-numbers: plan limit checked first,
// Twilio purchase, row written — or the number released again).
import { useInvalidatingMutation } from "../../../lib/mutations";
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

export const useBuyNumber = (orgId: string) =>
  useInvalidatingMutation((input: BuyNumberInput) => buyNumber(orgId, input), [
    phoneNumbersQueryOptions(orgId).queryKey,
    entitlementsQueryOptions(orgId).queryKey,
    availableNumbersBaseKey(orgId),
  ]);
