// Releases a number at Twilio and marks it released (phone-numbers).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";
import { type PhoneNumber, phoneNumbersQueryOptions } from "./getPhoneNumbers";
import { entitlementsQueryOptions } from "../../../lib/queries/entitlements";

export const releaseNumber = (orgId: string, id: string) =>
  callFunction<PhoneNumber>("phone-numbers", { action: "release", org_id: orgId, id });

export function useReleaseNumber(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => releaseNumber(orgId, id),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: phoneNumbersQueryOptions(orgId).queryKey }),
        qc.invalidateQueries({ queryKey: entitlementsQueryOptions(orgId).queryKey }),
      ]),
  });
}
