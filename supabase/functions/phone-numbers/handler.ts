// phone-numbers: the live wiring of numbers.ts — Twilio through the `twilio`
// SDK (pointed at TWILIO_API_BASE_URL when set), the caller's checks through
// PostgREST with the caller's JWT (RLS), and the phone_numbers writes with the
// service role (members have no insert grant: buying goes through here).
import { callerInOrg } from "../_shared/auth.ts";
import { serviceClient, userClient } from "../_shared/clients.ts";
import { publicFunctionUrl, twilioConfig } from "../_shared/env.ts";
import { twilioClient } from "../_shared/providers/twilio.ts";
import {
  type BoughtNumber,
  type Deps,
  makeHandler,
  type NumbersProvider,
  type NumbersStore,
} from "./numbers.ts";

export function twilioNumbers(): NumbersProvider {
  const client = twilioClient({ ...twilioConfig(), timeoutMs: 15_000 });
  const bought = (n: { sid: string; phoneNumber: string; friendlyName: string }): BoughtNumber => ({
    sid: n.sid,
    e164: n.phoneNumber,
    friendly_name: n.friendlyName,
  });
  return {
    async search(areaCode, limit) {
      const list = await client.availablePhoneNumbers("US").local.list({
        areaCode: Number(areaCode),
        limit,
      });
      return list.map((n) => ({
        e164: n.phoneNumber,
        friendly_name: n.friendlyName,
        locality: n.locality ?? null,
        region: n.region ?? null,
      }));
    },
    async buy(e164, { voiceUrl, friendlyName }) {
      const n = await client.incomingPhoneNumbers.create({
        phoneNumber: e164,
        voiceUrl,
        voiceMethod: "POST",
        ...(friendlyName ? { friendlyName } : {}),
      });
      return bought(n);
    },
    async find(e164) {
      const list = await client.incomingPhoneNumbers.list({ phoneNumber: e164, limit: 20 });
      const n = list.find((x) => x.phoneNumber === e164);
      return n ? bought(n) : null;
    },
    async release(sid) {
      await client.incomingPhoneNumbers(sid).remove();
    },
  };
}

const COLUMNS = "id, org_id, e164, status, provider_sid";

export const supabaseNumbers: NumbersStore = {
  caller: (req, orgId) => callerInOrg(userClient(req), req, orgId),
  async entitlements(req, orgId) {
    return await userClient(req).rpc("org_entitlements", { p_org_id: orgId });
  },
  async agent(req, orgId, agentId) {
    return await userClient(req).from("agents").select("id, active").eq("org_id", orgId).eq(
      "id",
      agentId,
    ).maybeSingle();
  },
  async existing(e164s) {
    return await serviceClient().from("phone_numbers").select(COLUMNS).in("e164", e164s);
  },
  async knowsSid(sid) {
    const { data, error } = await serviceClient().from("phone_numbers").select("id").eq(
      "provider_sid",
      sid,
    ).maybeSingle();
    return { data: Boolean(data), error };
  },
  async insert(row) {
    return await serviceClient().from("phone_numbers").insert(row).select("*").single();
  },
  async reactivate(id, fields) {
    return await serviceClient().from("phone_numbers")
      .update({ ...fields, status: "active" }).eq("id", id).eq("status", "released").select("*")
      .maybeSingle();
  },
  async get(orgId, id) {
    return await serviceClient().from("phone_numbers").select("*").eq("org_id", orgId).eq("id", id)
      .maybeSingle();
  },
  async markReleased(id) {
    return await serviceClient().from("phone_numbers").update({ status: "released" }).eq("id", id)
      .select("*").single();
  },
};

export { makeHandler };

export function realDeps(): Deps {
  return { store: supabaseNumbers, provider: twilioNumbers, voiceUrl: () => publicFunctionUrl("twilio-voice") };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());
