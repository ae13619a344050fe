// Opens Stripe Checkout for a plan (stripe-checkout answers the session URL).
import { useMutation } from "@tanstack/react-query";
import { callFunction } from "../../../lib/functions";

export interface CheckoutInput {
  plan: string;
  interval: "month" | "year";
}

export const startCheckout = (orgId: string, input: CheckoutInput) =>
  callFunction<{ url: string }>("stripe-checkout", { org_id: orgId, plan: input.plan, interval: input.interval });

/** Remembers the plan being bought, so the page knows what to wait for on return. */
export const CHECKOUT_KEY = "salespulse.checkout";

export function useStartCheckout(orgId: string, redirect: (url: string) => void) {
  return useMutation({
    mutationFn: (input: CheckoutInput) => startCheckout(orgId, input),
    onSuccess: ({ url }, input) => {
      try {
        sessionStorage.setItem(CHECKOUT_KEY, JSON.stringify({ orgId, plan: input.plan }));
      } catch {
        // storage unavailable: the page then waits for any plan change
      }
      redirect(url);
    },
  });
}
