// call-recording: streams a call's recording to a signed-in user who may see
// the call, without ever handing Twilio's URL or credentials to the browser.
//
//   POST /functions/v1/call-recording {call_id, format?}   Authorization: Bearer <user token>
//     → {url, expires_at}: after the RLS check (1), a signed URL good for 5
//       minutes (HMAC-SHA256 over call, user, format and expiry; signed_url.ts)
//   GET|HEAD <that url>                                      (no token; what the player uses)
//   GET|HEAD ?call_id=<uuid>[&format=wav|mp3] with Authorization (API clients)
//   Range: bytes=…                                            (optional, forwarded)
//
// 1. The call is selected through PostgREST with the caller's own JWT
//    (userClient), so RLS decides: a manager sees the organization's calls,
//    an agent their own, anyone else gets 404 — the same answer as for a call
//    that does not exist, so ids cannot be probed across tenants. PostgREST
//    verifies the token (verify_jwt is off so that signed URLs need none).
// 2. The media is fetched from Twilio (`<RecordingUrl>.wav|.mp3`, rewritten to
//    TWILIO_API_BASE_URL for the local stand-in) with the server's Basic auth,
//    forwarding `Range`, and streamed back: 206 + Content-Range for a range,
//    200 otherwise; 416 passes through. Only media headers are copied.
// 3. Errors use `{ error: { code, message } }`: 400 bad call_id/format,
//    401 no user token, 403 expired (url_expired) or tampered
//    (invalid_signature) signed URL, 404 not visible / no recording /
//    recording deleted at Twilio, 502 when Twilio fails.
//
// Signed URLs keep bearer tokens out of URLs (access logs, history, Referer):
// the URL itself is the short-lived grant, bound to one call and one user.
import { z } from "zod";
import { jwtSub } from "../_shared/auth.ts";
import { serviceClient, userClient } from "../_shared/clients.ts";
import { ConfigError, publicFunctionUrl, recordingUrlEnv, twilioConfig } from "../_shared/env.ts";
import { dbErrorResponse } from "../_shared/errors.ts";
import { corsHeaders, handleCors, json, jsonError, readBody } from "../_shared/http.ts";
import { errorText, log } from "../_shared/log.ts";
import { rewriteTwilioUrl } from "../_shared/providers/twilio.ts";
import { checkGrant, signGrant, TTL_SECONDS } from "./signed_url.ts";

/** What the handler needs to know about a call the caller may see. */
export interface VisibleCall {
  recording_url: string | null;
}

/** A lookup failure worth reporting as is (e.g. PostgREST refused the JWT). */
export class LookupError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, message: string) {
    super(message);
    this.name = "LookupError";
  }
}

export interface Deps {
  /** The call as the caller may see it under RLS; null when not visible. */
  findCall(req: Request, callId: string): Promise<VisibleCall | null>;
  /** Twilio credentials and (locally) the stand-in's base URL. */
  twilio(): { accountSid: string; authToken: string; baseUrl?: string };
  /** Signed URLs: the key, this function's public URL, the call by id (service role), the clock. */
  signing?: {
    secret(): string;
    publicUrl(): string;
    findCallById(callId: string): Promise<VisibleCall | null>;
    now?(): number;
  };
  /** Time allowed until Twilio answers with headers (the body then streams freely). */
  headersTimeoutMs?: number;
  fetch?: typeof fetch;
}

const Query = z.object({
  call_id: z.uuid(),
  format: z.enum(["wav", "mp3"]).default("wav"),
});

const MintBody = z.object({
  call_id: z.uuid(),
  format: z.enum(["wav", "mp3"]).default("mp3"),
}).strict();

const SignedQuery = z.object({
  user: z.uuid(),
  exp: z.coerce.number().int().positive(),
  sig: z.string().max(64),
}).loose();

const CONTENT_TYPES = { wav: "audio/wav", mp3: "audio/mpeg" } as const;

// The path of a recording's media in Twilio's 2010-04-01 API.
const RECORDING_PATH = /^\/2010-04-01\/Accounts\/AC[0-9a-fA-F]{32}\/Recordings\/RE[0-9a-fA-F]{32}$/;
const TWILIO_HOST = /^(?:[a-z0-9-]+\.)*twilio\.com$/i;

/**
 * The media URL to fetch for a stored RecordingUrl, or null when it is not a
 * Twilio recording URL (or the configured stand-in): our credentials are sent
 * to that URL, so it must point where they belong.
 */
export function mediaUrl(
  recordingUrl: string,
  format: "wav" | "mp3",
  baseUrl?: string,
): string | null {
  let u: URL;
  try {
    u = new URL(rewriteTwilioUrl(recordingUrl.trim().replace(/\.(wav|mp3|json)$/i, ""), baseUrl));
  } catch {
    return null;
  }
  if (u.search || u.hash || u.username || u.password) return null;
  let path = u.pathname;
  if (baseUrl) {
    // Locally every *.twilio.com URL has been rewritten to the stand-in.
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, "");
    if (u.origin !== base.origin || !path.startsWith(`${prefix}/`)) return null;
    path = path.slice(prefix.length);
  } else if (
    u.protocol !== "https:" || !TWILIO_HOST.test(u.hostname) || (u.port !== "" && u.port !== "443")
  ) {
    return null;
  }
  if (!RECORDING_PATH.test(path)) return null;
  u.pathname += `.${format}`;
  return u.href;
}

function withCors(headers: Headers): Headers {
  for (const [k, v] of Object.entries(corsHeaders)) headers.set(k, v);
  return headers;
}

const unavailable = () =>
  jsonError(
    502,
    "recording_unavailable",
    "The recording could not be fetched from the telephony provider. Try again shortly.",
  );

export function makeHandler(deps: Deps): (req: Request) => Promise<Response> {
  const doFetch = deps.fetch ?? fetch;
  const headersTimeoutMs = deps.headersTimeoutMs ?? 15_000;

  const nowMs = () => deps.signing?.now?.() ?? Date.now();

  /** The call under RLS (the caller's own token), or the error response. */
  async function lookUp(req: Request, callId: string): Promise<VisibleCall | null | Response> {
    try {
      return await deps.findCall(req, callId);
    } catch (e) {
      if (e instanceof LookupError) {
        if (e.status === 401) {
          return jsonError(401, "not_authenticated", "Your session has expired; sign in again");
        }
        return dbErrorResponse({ code: e.code, message: e.message });
      }
      log("error", "call lookup failed", { error: errorText(e) });
      return jsonError(500, "internal_error", "Something went wrong on our side");
    }
  }

  function signingSecret(): string | Response {
    try {
      if (!deps.signing) throw new ConfigError("signed recording URLs are not configured");
      return deps.signing.secret();
    } catch (e) {
      log("error", "signing is not configured", { error: errorText(e) });
      return jsonError(500, "misconfigured", "Recording playback is not configured");
    }
  }

  /** POST {call_id, format}: after the RLS check, a URL good for TTL_SECONDS. */
  async function mint(req: Request): Promise<Response> {
    const userId = jwtSub(req);
    if (!userId) return jsonError(401, "not_authenticated", "Sign in to play recordings");
    const body = await readBody(req, MintBody);
    if (body instanceof Response) return body;
    const call = await lookUp(req, body.call_id);
    if (call instanceof Response) return call;
    if (!call) return jsonError(404, "not_found", "Call not found");
    if (!call.recording_url) return jsonError(404, "no_recording", "This call has no recording");
    const secret = signingSecret();
    if (secret instanceof Response) return secret;
    const exp = Math.floor(nowMs() / 1000) + TTL_SECONDS;
    const grant = { callId: body.call_id, userId, format: body.format, exp };
    const q = new URLSearchParams({
      call_id: grant.callId,
      format: grant.format,
      user: userId,
      exp: String(exp),
      sig: await signGrant(secret, grant),
    });
    return json({ url: `${deps.signing!.publicUrl()}?${q}`, expires_at: new Date(exp * 1000).toISOString() });
  }

  /** null when the signed URL is good; otherwise the refusal (403). */
  async function checkSigned(url: URL, callId: string, format: "wav" | "mp3"): Promise<Response | null> {
    const p = SignedQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!p.success) return jsonError(403, "invalid_signature", "This recording link is not valid");
    const secret = signingSecret();
    if (secret instanceof Response) return secret;
    const verdict = await checkGrant(secret, { callId, userId: p.data.user, format, exp: p.data.exp }, p.data.sig, nowMs());
    if (verdict === "expired") return jsonError(403, "url_expired", "This recording link has expired; reload the page");
    if (verdict === "invalid") return jsonError(403, "invalid_signature", "This recording link is not valid");
    return null;
  }

  return async function handler(req: Request): Promise<Response> {
    const cors = handleCors(req);
    if (cors) return cors;
    if (req.method === "POST") return await mint(req);
    if (req.method !== "GET" && req.method !== "HEAD") {
      const res = jsonError(405, "method_not_allowed", "Use GET, or POST to get a signed URL");
      res.headers.set("allow", "GET, HEAD, POST, OPTIONS");
      return res;
    }
    const url = new URL(req.url);
    const q = Query.safeParse({
      call_id: url.searchParams.get("call_id") ?? undefined,
      format: url.searchParams.get("format") ?? undefined,
    });
    if (!q.success) {
      const field = String(q.error.issues[0]?.path[0] ?? "call_id");
      return jsonError(
        400,
        "invalid_input",
        field === "format" ? "format must be wav or mp3" : "call_id must be a UUID",
      );
    }
    const { call_id: callId, format } = q.data;

    let call: VisibleCall | null;
    if (url.searchParams.has("sig")) {
      // A signed URL: no token travels; the signature stands for the RLS check made when it was minted.
      const refused = await checkSigned(url, callId, format);
      if (refused) return refused;
      try {
        call = await deps.signing!.findCallById(callId);
      } catch (e) {
        log("error", "call lookup failed", { call_id: callId, error: errorText(e) });
        return jsonError(500, "internal_error", "Something went wrong on our side");
      }
    } else {
      // verify_jwt has checked the signature; only a user's token may play media
      // (the anon key would see nothing under RLS, the service key everything).
      if (!jwtSub(req)) return jsonError(401, "not_authenticated", "Sign in to play recordings");
      const found = await lookUp(req, callId);
      if (found instanceof Response) return found;
      call = found;
    }
    if (!call) return jsonError(404, "not_found", "Call not found");
    if (!call.recording_url) return jsonError(404, "no_recording", "This call has no recording");

    let creds: ReturnType<Deps["twilio"]>;
    try {
      creds = deps.twilio();
    } catch (e) {
      log("error", "Twilio is not configured", { error: errorText(e) });
      return jsonError(500, "misconfigured", "Recording playback is not configured");
    }
    const target = mediaUrl(call.recording_url, format, creds.baseUrl);
    if (!target) {
      log("error", "the recording URL is not Twilio's; refusing to send credentials", { call_id: callId });
      return unavailable();
    }

    const upstreamHeaders = new Headers({
      authorization: `Basic ${btoa(`${creds.accountSid}:${creds.authToken}`)}`,
      accept: `${CONTENT_TYPES[format]}, audio/*;q=0.9`,
    });
    const range = req.headers.get("range");
    if (range) upstreamHeaders.set("range", range);

    // The timeout covers the wait for headers only; a long recording keeps
    // streaming. If the client goes away, the runtime cancels the response
    // body, which is Twilio's body itself, so the upstream download stops too.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new Error("Twilio did not answer in time")),
      headersTimeoutMs,
    );
    let upstream: Response;
    try {
      upstream = await doFetch(target, {
        method: req.method,
        headers: upstreamHeaders,
        // Twilio may redirect media to a short-lived pre-signed storage URL;
        // fetch drops Authorization on a cross-origin redirect (and keeps Range).
        redirect: "follow",
        signal: timeout.signal,
      });
    } catch (e) {
      log("error", "Twilio request failed", { call_id: callId, error: errorText(e) });
      return unavailable();
    } finally {
      clearTimeout(timer);
    }

    if (upstream.status === 200 || upstream.status === 206) {
      const headers = withCors(new Headers());
      const type = upstream.headers.get("content-type") ?? "";
      headers.set("content-type", type.startsWith("audio/") ? type : CONTENT_TYPES[format]);
      headers.set("accept-ranges", "bytes");
      for (const h of ["content-length", "content-range", "last-modified", "etag"]) {
        const v = upstream.headers.get(h);
        if (v) headers.set(h, v);
      }
      if (upstream.status === 206 && !headers.has("content-range")) {
        await upstream.body?.cancel();
        log("error", "Twilio answered 206 without Content-Range", { call_id: callId });
        return unavailable();
      }
      // A call recording is personal data: never stored by a shared cache, and
      // access is re-checked on every request (a removed member loses it at once).
      headers.set("cache-control", "private, no-store");
      headers.set("content-disposition", "inline");
      headers.set("x-content-type-options", "nosniff");
      return new Response(req.method === "HEAD" ? null : upstream.body, {
        status: upstream.status,
        headers,
      });
    }

    await upstream.body?.cancel();
    if (upstream.status === 416) {
      const res = jsonError(
        416,
        "range_not_satisfiable",
        "The requested range is outside the recording",
      );
      const total = /\/(\d+)$/.exec(upstream.headers.get("content-range") ?? "")?.[1];
      if (total) res.headers.set("content-range", `bytes */${total}`);
      return res;
    }
    if (upstream.status === 404) {
      return jsonError(
        404,
        "recording_not_found",
        "The recording is no longer available (it may have been deleted)",
      );
    }
    log("error", "Twilio answered an error", { call_id: callId, status: upstream.status });
    return unavailable();
  };
}

/** Production wiring: RLS lookup through PostgREST, Twilio credentials from the environment. */
export async function findCallUnderRls(req: Request, callId: string): Promise<VisibleCall | null> {
  const { data, error, status } = await userClient(req)
    .from("calls").select("recording_url").eq("id", callId).maybeSingle();
  if (error) throw new LookupError(status, error.code, error.message);
  return data;
}

async function findCallById(callId: string): Promise<VisibleCall | null> {
  const { data, error } = await serviceClient().from("calls").select("recording_url").eq("id", callId).maybeSingle();
  if (error) throw new Error(error.message);
  return data;
}

export function realDeps(): Deps {
  return {
    findCall: findCallUnderRls,
    twilio: twilioConfig,
    signing: {
      secret: () => recordingUrlEnv().RECORDING_URL_SECRET,
      publicUrl: () => publicFunctionUrl("call-recording"),
      findCallById,
    },
  };
}

/** What the local functions server serves (index.ts serves the same). */
export const handler = makeHandler(realDeps());
