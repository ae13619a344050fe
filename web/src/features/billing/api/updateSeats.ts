// Changes the number of paid seats (stripe-subscription → Stripe, prorated);
// the new count arrives through the webhook, so both reads are refreshed.
import { useInvalidatingMutation } from "../../../lib/mutations";
import { callFunction } from "../../../lib/functions";
import { entitlementsQueryOptions } from "../../../lib/queries/entitlements";
import { subscriptionQueryOptions } from "./getSubscription";

export const updateSeats = (orgId: string, seats: number) =>
  callFunction<{ seats: number; pending: string }>("stripe-subscription", { org_id: orgId, seats });

export const useUpdateSeats = (orgId: string) =>
  useInvalidatingMutation((seats: number) => updateSeats(orgId, seats), [
    subscriptionQueryOptions(orgId).queryKey,
    entitlementsQueryOptions(orgId).queryKey,
  ]);
