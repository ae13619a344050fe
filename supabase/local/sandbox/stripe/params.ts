// Stripe's v1 wire format: ids, errors, form-encoded parameters with bracket notation, and the
// parameter readers that answer Stripe's messages.
import Stripe from "stripe";
import { json } from "../kernel/http.ts";

/** Obviously fake, test-mode. */
export const DEFAULT_SECRET_KEY = "sk_test_local_sandbox";
export const DEFAULT_WEBHOOK_SECRET = "whsec_local_sandbox";
/** The API version the pinned SDK sends and expects; events carry it. */
export const API_VERSION: string = Stripe.API_VERSION;

// deno-lint-ignore no-explicit-any
export type Json = { [key: string]: any };

// --- ids, time, errors ---------------------------------------------------------------

export const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export function randomChars(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => ALPHABET[b % 62]).join("");
}
/** Stripe-style ids: `cus_` + 14 characters, `sub_` + 24, `cs_test_` + 58… */
export const newId = (prefix: string, n = 24) => `${prefix}${randomChars(n)}`;

export const now = () => Math.floor(Date.now() / 1000);
export const DAY = 86_400;

/** `ts` plus `count` intervals; month/year keep the anchor day, clamped to the month's end. */
export function addInterval(
  ts: number,
  interval: "day" | "week" | "month" | "year",
  count = 1,
): number {
  if (interval === "day") return ts + count * DAY;
  if (interval === "week") return ts + count * 7 * DAY;
  const d = new Date(ts * 1000);
  const months = interval === "month" ? count : 12 * count;
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0))
    .getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  target.setUTCHours(d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
  return Math.floor(target.getTime() / 1000);
}

export interface StripeErrorBody {
  type: "invalid_request_error" | "api_error" | "idempotency_error" | "card_error";
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

/** An error answered in Stripe's shape: `{ error: { type, code, message, param, doc_url } }`. */
export class StripeApiError extends Error {
  readonly body: StripeErrorBody;
  constructor(
    readonly status: number,
    body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.body = body.code && !body.doc_url
      ? {
        ...body,
        doc_url: `https://stripe.com/docs/error-codes/${body.code.replaceAll("_", "-")}`,
      }
      : body;
  }
}

export const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, { type: "invalid_request_error", message, param, code });
export const missingParam = (param: string) =>
  invalid(`Missing required param: ${param}.`, param, "parameter_missing");
export const noSuch = (kind: string, id: string, param = "id") =>
  new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${kind}: '${id}'`,
    param,
  });

/** A client error in a control-API call; answered as `{ error: { code, message } }`. */

export const jsonResponse = (body: unknown, status = 200, headers?: HeadersInit) =>
  json(body, status, headers, { pretty: true });

export function stripeErrorResponse(e: StripeApiError): Response {
  const body = Object.fromEntries(Object.entries(e.body).filter(([, v]) => v !== undefined));
  return jsonResponse({ error: body }, e.status, e.headers);
}

// --- form encoding -------------------------------------------------------------------------

/**
 * Stripe's form encoding → nested objects: `a[b][0][c]=x` → `{ a: { b: [{ c: "x" }] } }`,
 * `expand[]=x&expand[]=y` → `{ expand: ["x", "y"] }`. Values stay strings (an empty string is
 * Stripe's way to unset a field). Objects whose keys are all indexes become arrays, except
 * under `metadata` and `payload`, whose keys are the caller's own.
 */
export function decodeStripeForm(params: URLSearchParams): Json {
  const root: Json = {};
  for (const [rawKey, value] of params) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    const path = m ? [m[1], ...[...m[2].matchAll(/\[([^\]]*)\]/g)].map((x) => x[1])] : [rawKey];
    let node = root;
    for (let i = 0; i < path.length; i++) {
      let key = path[i];
      if (key === "") key = String(Object.keys(node).length);
      if (i === path.length - 1) {
        node[key] = value;
      } else {
        if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
        node = node[key];
      }
    }
  }
  const arrays = (v: unknown, parentKey: string): unknown => {
    if (typeof v !== "object" || v === null) return v;
    const obj = v as Json;
    const keys = Object.keys(obj);
    const ownKeys = parentKey === "metadata" || parentKey === "payload";
    for (const k of keys) obj[k] = arrays(obj[k], k);
    if (!ownKeys && keys.length && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => obj[k]);
    }
    return obj;
  };
  return arrays(root, "") as Json;
}

/** A canonical form of decoded parameters, to compare idempotent requests. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${
      Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k])}`).join(
        ",",
      )
    }}`;
  }
  return JSON.stringify(v);
}

// parameter readers, with Stripe's messages

export function allowParams(params: Json, allowed: string[]): void {
  for (const k of Object.keys(params)) {
    if (!allowed.includes(k)) {
      throw invalid(`Received unknown parameter: ${k}`, k, "parameter_unknown");
    }
  }
}

export function str(params: Json, name: string, param = name): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw invalid(`Invalid string: ${JSON.stringify(v)}`, param);
  return v;
}

/** A required string parameter: absent or empty is Stripe's `parameter_missing`. */
export function requiredStr(params: Json, name: string, param = name): string {
  const v = str(params, name, param);
  if (!v) throw missingParam(param);
  return v;
}

/** A required integer parameter. */
export function requiredInt(params: Json, name: string, param = name): number {
  const v = int(params, name, param);
  if (v === undefined) throw missingParam(param);
  return v;
}

export function int(params: Json, name: string, param = name): number | undefined {
  const v = params[name];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) {
    throw invalid(
      `Invalid integer: ${typeof v === "string" ? v : JSON.stringify(v)}`,
      param,
      "parameter_invalid_integer",
    );
  }
  return Number(v);
}

export function bool(params: Json, name: string, param = name): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === "") return undefined;
  if (v === "true") return true;
  if (v === "false") return false;
  throw invalid(`Invalid boolean: ${v}`, param);
}

export function oneOf<T extends string>(
  params: Json,
  name: string,
  values: readonly T[],
  param = name,
): T | undefined {
  const v = str(params, name, param);
  if (v === undefined || v === "") return undefined;
  if (!values.includes(v as T)) {
    throw invalid(
      `Invalid ${param}: must be one of ${values.join(", ")}`,
      param,
    );
  }
  return v as T;
}

export function stringList(params: Json, name: string): string[] {
  const v = params[name];
  if (v === undefined || v === "") return [];
  const list = Array.isArray(v) ? v : typeof v === "object" ? Object.values(v) : [v];
  if (!list.every((x) => typeof x === "string")) throw invalid(`Invalid array`, name);
  return list as string[];
}

/** Metadata as Stripe validates it; `""` clears everything, a key set to `""` is removed. */
export function metadataParam(
  params: Json,
  current: Record<string, string> = {},
  name = "metadata",
): Record<string, string> {
  const v = params[name];
  if (v === undefined) return current;
  if (v === "") return {};
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(`Invalid object`, name);
  const next = { ...current };
  for (const [k, value] of Object.entries(v as Json)) {
    if (typeof value !== "string") throw invalid(`Invalid string: ${JSON.stringify(value)}`, name);
    if (k.length > 40) {
      throw invalid(`Metadata keys can have a maximum length of 40 characters.`, `${name}[${k}]`);
    }
    if (value.length > 500) {
      throw invalid(
        `Metadata values can have a maximum length of 500 characters.`,
        `${name}[${k}]`,
      );
    }
    if (value === "") delete next[k];
    else next[k] = value;
  }
  if (Object.keys(next).length > 50) {
    throw invalid(`Metadata can have a maximum of 50 keys.`, name);
  }
  return next;
}
