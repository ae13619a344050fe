// Responses and request bodies as every stand-in reads and writes them.

/** A JSON response; `pretty` indents as some providers do. */
export function json(
  body: unknown,
  status = 200,
  headers?: HeadersInit,
  opts: { contentType?: string; pretty?: boolean } = {},
): Response {
  const h = new Headers(headers);
  h.set("content-type", opts.contentType ?? "application/json");
  return new Response(JSON.stringify(body, null, opts.pretty ? 2 : undefined), {
    status,
    headers: h,
  });
}

export const noContent = () => new Response(null, { status: 204 });

/** The body as a form (`application/x-www-form-urlencoded`). */
export const formOf = async (req: Request) => new URLSearchParams(await req.text());

/** `Authorization: Basic …` as [user, password], or null when absent or unreadable. */
export function basicAuth(req: Request): [user: string, password: string] | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!m) return null;
  let decoded: string;
  try {
    decoded = atob(m[1]);
  } catch {
    return null;
  }
  const i = decoded.indexOf(":");
  return i < 0 ? [decoded, ""] : [decoded.slice(0, i), decoded.slice(i + 1)];
}

/** `Authorization: Bearer …`'s token, or null. */
export const bearer = (req: Request) =>
  /^Bearer\s+(\S.*)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim() || null;
