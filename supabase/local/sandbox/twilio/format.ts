// Twilio's wire format: SIDs, dates, prices, the error JSON and the two paging envelopes.
import { json } from "../kernel/http.ts";
import type { Route } from "../kernel/routing.ts";
import type { Json } from "./specs.ts";

export const sid = (prefix: string) => prefix + crypto.randomUUID().replaceAll("-", "");
/** Twilio's 2010-04-01 dates: `Fri, 18 Oct 2019 17:00:00 +0000`. */
export const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");
/** v2 dates: `2019-10-18T17:00:00Z`. */
export const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
/** v2 decimals are strings in the current spec. */
export const decimal = (n: number) => String(Math.round(n * 1000) / 1000);
export const price = (perMinute: number, seconds: number) =>
  (-perMinute * Math.max(1, Math.ceil(seconds / 60))).toFixed(5);
/** `(415) 555-0100` for North American numbers, as Twilio's *_formatted fields. */
export const formatted = (e164: string) => e164.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, "($1) $2-$3");

/** Twilio's error JSON `{ code, message, more_info, status }`. */
export function twilioError(
  status: number,
  code: number,
  message: string,
  headers?: HeadersInit,
): Response {
  return jsonResponse(
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    status,
    headers,
  );
}

export const jsonResponse = (body: unknown, status = 200, headers?: HeadersInit) =>
  json(body, status, headers, { contentType: "application/json; charset=utf-8" });

export const notFound = (path: string) =>
  twilioError(404, 20404, `The requested resource ${path} was not found`);

/** An error answered in Twilio's shape. */
export class TwilioApiError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

/** The resource under `key`, or Twilio's 404 for `path`. */
export function found<T>(map: Map<string, T>, key: string, path: string): T {
  const v = map.get(key);
  if (v === undefined) {
    throw new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);
  }
  return v;
}

/** Path prefix of 2010-04-01 account resources; group 1 is the account SID. */
export const A = "^/2010-04-01/Accounts/([^/]+)";
export type TwilioRoute = Route<
  (m: RegExpExecArray, req: Request, url: URL) => Response | Promise<Response>
>;

/** One page of `items` as the request's Page / PageSize ask, and the query of any page. */
export function pageOf(url: URL, items: Json[], maxPageSize: number) {
  const q = url.searchParams;
  const pageSize = Math.min(Math.max(Number(q.get("PageSize")) || 50, 1), maxPageSize);
  const page = Math.max(Number(q.get("Page")) || 0, 0);
  const start = page * pageSize;
  const query = (p: number) => {
    const next = new URLSearchParams(q);
    next.set("PageSize", String(pageSize));
    next.set("Page", String(p));
    next.delete("PageToken");
    return `${url.pathname}?${next}`;
  };
  const hasNext = start + pageSize < items.length;
  return { page, pageSize, start, items: items.slice(start, start + pageSize), query, hasNext };
}

/** The 2010-04-01 list envelope: relative `*_uri`s, start/end. */
export function paged2010(url: URL, key: string, items: Json[]): Json {
  const p = pageOf(url, items, 1000);
  return {
    [key]: p.items,
    end: p.items.length ? p.start + p.items.length - 1 : 0,
    first_page_uri: p.query(0),
    next_page_uri: p.hasNext ? p.query(p.page + 1) : null,
    page: p.page,
    page_size: p.pageSize,
    previous_page_uri: p.page > 0 ? p.query(p.page - 1) : null,
    start: p.start,
    uri: p.query(p.page),
  };
}

/** The v2 list envelope: `meta` with absolute `*_url`s. */
export function pagedV2(
  baseUrl: string,
  url: URL,
  key: string,
  items: Json[],
  maxPageSize: number,
): Json {
  const p = pageOf(url, items, maxPageSize);
  return {
    [key]: p.items,
    meta: {
      key,
      page: p.page,
      page_size: p.pageSize,
      first_page_url: baseUrl + p.query(0),
      previous_page_url: p.page > 0 ? baseUrl + p.query(p.page - 1) : null,
      url: baseUrl + p.query(p.page),
      next_page_url: p.hasNext ? baseUrl + p.query(p.page + 1) : null,
    },
  };
}
