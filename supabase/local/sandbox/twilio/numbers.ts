// IncomingPhoneNumbers and AvailablePhoneNumbers: numbers on offer, bought, updated, released.
import {
  A,
  formatted,
  found,
  jsonResponse,
  paged2010,
  rfc2822,
  sid,
  TwilioApiError,
  type TwilioRoute,
} from "./format.ts";
import type { Json } from "./specs.ts";
import type { TwilioState } from "./state.ts";

const AREAS: Record<
  string,
  [locality: string, region: string, postal: string, lat: string, lon: string]
> = {
  "212": ["New York", "NY", "10001", "40.750000", "-73.997000"],
  "213": ["Los Angeles", "CA", "90012", "34.052000", "-118.244000"],
  "305": ["Miami", "FL", "33130", "25.774000", "-80.194000"],
  "312": ["Chicago", "IL", "60601", "41.886000", "-87.618000"],
  "415": ["San Francisco", "CA", "94105", "37.789000", "-122.394000"],
  "512": ["Austin", "TX", "78701", "30.269000", "-97.742000"],
  "617": ["Boston", "MA", "02108", "42.357000", "-71.063000"],
  "206": ["Seattle", "WA", "98101", "47.610000", "-122.334000"],
};

/** The US local numbers on offer in an area code: +1 NPA 555-0100…0119, minus those bought. */
export function availableLocal(state: TwilioState, areaCode: string): Json[] {
  if (!/^[2-9]\d\d$/.test(areaCode)) return [];
  const owned = new Set([...state.numbers.values()].map((n) => n.phone_number));
  const [locality, region, postal, lat, lon] = AREAS[areaCode] ?? [null, null, null, null, null];
  return Array.from({ length: 20 }, (_, i) => `+1${areaCode}55501${String(i).padStart(2, "0")}`)
    .filter((n) => !owned.has(n))
    .map((phone) => ({
      friendly_name: formatted(phone),
      phone_number: phone,
      lata: null,
      locality,
      rate_center: locality?.toUpperCase() ?? null,
      latitude: lat,
      longitude: lon,
      region,
      postal_code: postal,
      iso_country: "US",
      address_requirements: "none",
      beta: false,
      capabilities: { voice: true, sms: true, mms: true },
    }));
}

export function buyNumber(state: TwilioState, form: URLSearchParams): Json {
  let phone = form.get("PhoneNumber");
  const areaCode = form.get("AreaCode");
  if (!phone && areaCode) {
    phone = (availableLocal(state, areaCode)[0]?.phone_number as string) ?? null;
  }
  if (!phone || !/^\+[1-9]\d{6,14}$/.test(phone)) {
    throw new TwilioApiError(400, 21421, `PhoneNumber is invalid`);
  }
  if ([...state.numbers.values()].some((n) => n.phone_number === phone)) {
    throw new TwilioApiError(400, 21422, `PhoneNumber ${phone} is not available`);
  }
  const now = new Date();
  const pn = sid("PN");
  const number: Json = {
    account_sid: state.accountSid,
    address_requirements: "none",
    address_sid: null,
    api_version: "2010-04-01",
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822(now),
    date_updated: rfc2822(now),
    emergency_status: "Inactive",
    emergency_address_sid: null,
    emergency_address_status: "unregistered",
    friendly_name: formatted(phone),
    identity_sid: null,
    origin: "twilio",
    phone_number: phone,
    sid: pn,
    sms_application_sid: null,
    sms_fallback_method: "POST",
    sms_fallback_url: null,
    sms_method: "POST",
    sms_url: null,
    status_callback: null,
    status_callback_method: "POST",
    trunk_sid: null,
    uri: `${state.accountPath}/IncomingPhoneNumbers/${pn}.json`,
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: "POST",
    voice_fallback_url: null,
    voice_method: "POST",
    voice_url: null,
    bundle_sid: null,
    voice_receive_mode: "voice",
    status: "in-use",
    type: "local",
    subresource_uris: {
      assigned_add_ons: `${state.accountPath}/IncomingPhoneNumbers/${pn}/AssignedAddOns.json`,
    },
  };
  state.numbers.set(pn, number);
  return updateNumber(state, pn, form);
}

export function updateNumber(state: TwilioState, pn: string, form: URLSearchParams): Json {
  const number = state.numbers.get(pn)!;
  for (const [param, value] of form) {
    const field = UPDATABLE[param];
    if (field) number[field] = field === "voice_caller_id_lookup" ? value === "true" : value;
  }
  number.date_updated = rfc2822(new Date());
  return number;
}

/** IncomingPhoneNumber parameters a buy or update may set, and their fields. */
const UPDATABLE: Record<string, string> = {
  FriendlyName: "friendly_name",
  VoiceUrl: "voice_url",
  VoiceMethod: "voice_method",
  VoiceFallbackUrl: "voice_fallback_url",
  VoiceFallbackMethod: "voice_fallback_method",
  VoiceCallerIdLookup: "voice_caller_id_lookup",
  VoiceApplicationSid: "voice_application_sid",
  StatusCallback: "status_callback",
  StatusCallbackMethod: "status_callback_method",
  SmsUrl: "sms_url",
  SmsMethod: "sms_method",
  SmsFallbackUrl: "sms_fallback_url",
  SmsFallbackMethod: "sms_fallback_method",
};

export function numberRoutes(state: TwilioState): TwilioRoute[] {
  const form = async (req: Request) => new URLSearchParams(await req.text());
  return [
    ["GET", new RegExp(`${A}/AvailablePhoneNumbers/([A-Z]{2})/Local\\.json$`), (m, _req, url) => {
      const all = m[2] === "US"
        ? availableLocal(state, url.searchParams.get("AreaCode") ?? "415")
        : [];
      const size = Number(url.searchParams.get("PageSize")) || all.length;
      return jsonResponse({
        available_phone_numbers: all.slice(0, size),
        uri: `${url.pathname}${url.search}`,
      });
    }],
    ["GET", new RegExp(`${A}/IncomingPhoneNumbers\\.json$`), (_m, _req, url) => {
      const phone = url.searchParams.get("PhoneNumber");
      const numbers = [...state.numbers.values()].filter((n) =>
        !phone || (n.phone_number as string).includes(phone)
      );
      return jsonResponse(paged2010(url, "incoming_phone_numbers", numbers));
    }],
    ["POST", new RegExp(`${A}/IncomingPhoneNumbers\\.json$`), async (_m, req) => {
      return jsonResponse(buyNumber(state, await form(req)), 201);
    }],
    ["GET", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), (m, _req, url) => {
      return jsonResponse(found(state.numbers, m[2], url.pathname));
    }],
    ["POST", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), async (m, req, url) => {
      found(state.numbers, m[2], url.pathname);
      return jsonResponse(updateNumber(state, m[2], await form(req)));
    }],
    ["DELETE", new RegExp(`${A}/IncomingPhoneNumbers/(PN\\w+)\\.json$`), (m, _req, url) => {
      found(state.numbers, m[2], url.pathname);
      state.numbers.delete(m[2]);
      return new Response(null, { status: 204 });
    }],
  ];
}
