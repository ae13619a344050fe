// Webhook signatures as the providers compute them, through their own SDKs.
import Stripe from "stripe";
import twilio from "twilio";

/** X-Twilio-Signature: over the URL Twilio requested plus, for POST, the sorted body params. */
export const twilioSignature = (authToken: string, url: string, params: Record<string, string>) =>
  twilio.getExpectedTwilioSignature(authToken, url, params);

/** Stripe-Signature `t=…,v1=…` (async: the SDK's Deno build has only SubtleCrypto). */
export const stripeSignature = (payload: string, secret: string, timestamp: number) =>
  Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });
