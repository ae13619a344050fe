// What the voice stand-ins (ElevenLabs, OpenRouter) share around their API: the control API,
// the request log (an entry per API request, its status filled in), provider-shaped 500s for
// what throws, and closing: pending `timeout` faults released, streams stopped.
import { control, type ControlRoute, isControl } from "../kernel/control.ts";
import { Hangs } from "../kernel/faults.ts";
import { listen, logCapped, type RequestEntry } from "../kernel/server.ts";

export function serveVoiceStandIn<E extends RequestEntry>(opts: {
  name: string;
  port: number;
  hostname?: string;
  controlRoutes: ControlRoute[];
  log: E[];
  entry(req: Request, url: URL): E;
  api(req: Request, url: URL, entry: E): Promise<Response>;
  fail(status: number, message: string): Response;
}) {
  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (isControl(url)) return await control(opts.name, opts.controlRoutes, req, url);
    const entry = opts.entry(req, url);
    logCapped(opts.log, entry, 500);
    try {
      const res = await opts.api(req, url, entry);
      entry.status = res.status;
      return res;
    } catch (e) {
      console.error(`${opts.name} stand-in:`, e);
      entry.status = 500;
      return opts.fail(500, String(e));
    }
  }
  const { server, url } = listen(opts.port, opts.hostname ?? "127.0.0.1", handler);
  return { url, server };
}

/** A voice stand-in's shutdown signal and held-open requests. */
export function voiceLifecycle() {
  const closing = new AbortController();
  const hangs = new Hangs();
  return {
    closing,
    hangs,
    close: async (server: Deno.HttpServer) => {
      closing.abort();
      hangs.releaseAll();
      await server.shutdown();
    },
  };
}
