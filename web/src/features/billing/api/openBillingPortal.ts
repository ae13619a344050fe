// Opens Stripe's Billing Portal (payment methods, invoices, plan changes).
import { useMutation } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";

export const openBillingPortal = (orgId: string) => callFunction<{ url: string }>("stripe-portal", { org_id: orgId });

export function useOpenBillingPortal(orgId: string, redirect: (url: string) => void) {
  return useMutation({
    mutationFn: () => openBillingPortal(orgId),
    onSuccess: ({ url }) => redirect(url),
  });
}
