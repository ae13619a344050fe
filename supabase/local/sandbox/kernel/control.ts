// The control API every stand-in serves under /_sandbox (no auth: bind to loopback): its errors,
// body parsing and a small router of `METHOD /path` routes.
import { z } from "zod";
import { json } from "./http.ts";

/** A client error in a control-API call; answered as `{ error: { code, message } }`. */
export class SandboxError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Parses a control-API input, or throws a 400 SandboxError naming what is wrong. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new SandboxError(400, "invalid_request", z.prettifyError(r.error));
  return r.data;
}

export const isControl = (url: URL) =>
  url.pathname === "/_sandbox" || url.pathname.startsWith("/_sandbox/");

/** `GET /faults` for `GET /_sandbox/faults`. */
export const controlRoute = (req: Request, url: URL) =>
  `${req.method} ${url.pathname.replace(/^\/_sandbox/, "") || "/"}`;

/** The JSON body; `{}` when empty (unless `emptyAllowed` is false); 400 invalid_json otherwise. */
export async function readJson(req: Request, emptyAllowed = true): Promise<unknown> {
  const text = await req.text();
  if (emptyAllowed && !text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SandboxError(400, "invalid_json", "the body must be JSON");
  }
}

export const sandboxError = (status: number, code: string, message: string) =>
  json({ error: { code, message } }, status);

export type ControlHandler = (
  m: RegExpExecArray,
  req: Request,
  url: URL,
) => Response | Promise<Response>;
/** `[pattern on "METHOD /path", handler]`; a string pattern matches exactly. */
export type ControlRoute = [pattern: string | RegExp, handler: ControlHandler];

/** Serves a control request from `routes`; SandboxErrors become their JSON error. */
export async function control(
  name: string,
  routes: ControlRoute[],
  req: Request,
  url: URL,
  onError?: (e: unknown) => Response | null,
): Promise<Response> {
  const route = controlRoute(req, url);
  try {
    for (const [pattern, handler] of routes) {
      const m = typeof pattern === "string"
        ? (pattern === route
          ? Object.assign([route], { index: 0, input: route }) as RegExpExecArray
          : null)
        : pattern.exec(route);
      if (m) return await handler(m, req, url);
    }
    throw new SandboxError(404, "not_found", `no control endpoint ${route}`);
  } catch (e) {
    if (e instanceof SandboxError) return sandboxError(e.status, e.code, e.message);
    const handled = onError?.(e);
    if (handled) return handled;
    console.error(`${name} stand-in: control API failed:`, e);
    return sandboxError(500, "internal", String(e));
  }
}
