// Changes the number of paid seats (stripe-subscription → Stripe, prorated);
// the new count arrives through the webhook, so both reads are refreshed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";
import { entitlementsQueryOptions } from "../../../lib/queries/entitlements";
import { subscriptionQueryOptions } from "./getSubscription";

export const updateSeats = (orgId: string, seats: number) =>
  callFunction<{ seats: number; pending: string }>("stripe-subscription", { org_id: orgId, seats });

export function useUpdateSeats(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (seats: number) => updateSeats(orgId, seats),
    onSettled: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: subscriptionQueryOptions(orgId).queryKey }),
        qc.invalidateQueries({ queryKey: entitlementsQueryOptions(orgId).queryKey }),
      ]),
  });
}
