// Releases a number at Twilio and marks it released (phone-numbers).
import { useInvalidatingMutation } from "../../../lib/mutations";
import { callFunction } from "../../../lib/functions";
import { type PhoneNumber, phoneNumbersQueryOptions } from "./getPhoneNumbers";
import { entitlementsQueryOptions } from "../../../lib/queries/entitlements";

export const releaseNumber = (orgId: string, id: string) =>
  callFunction<PhoneNumber>("phone-numbers", { action: "release", org_id: orgId, id });

export const useReleaseNumber = (orgId: string) =>
  useInvalidatingMutation((id: string) => releaseNumber(orgId, id), [
    phoneNumbersQueryOptions(orgId).queryKey,
    entitlementsQueryOptions(orgId).queryKey,
  ]);
