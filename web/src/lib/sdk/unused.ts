// What the SPA's build puts in place of two parts of supabase-js it does not
// use: Realtime (`@supabase/realtime-js`) and Storage (`@supabase/storage-js`).
// `createClient` always constructs both clients, so bundlers cannot drop them
// (≈ 22 KiB gzip of the first screen). The SPA reads and writes through
// PostgREST, Auth and our Edge Functions only; recordings come as signed URLs
// from functions. web/vite.config.ts aliases the two packages here (builds,
// dev server and Vitest alike), and web/eslint.config.js refuses
// `supabase.channel(…)`, `supabase.storage` and the other Realtime members, so
// nothing can start depending on them unnoticed. Using one anyway fails loudly.
// The Edge Functions import the real packages (Deno, npm: imports).

const OMITTED =
  "is not part of the SPA's build (web/src/lib/sdk/unused.ts): the SPA uses neither Realtime nor Storage";

function omitted(what: string): never {
  throw new Error(`${what} ${OMITTED}`);
}

/** Takes Realtime's place in `createClient`: constructed and told about tokens, never connected. */
export class RealtimeClient {
  constructor(_endpoint: string, _options?: unknown) {}
  /** Called by supabase-js on every sign-in and token refresh: nothing to hand the token to. */
  setAuth(_token?: string | null): Promise<void> {
    return Promise.resolve();
  }
  channel(): never {
    return omitted("Supabase Realtime");
  }
  getChannels(): [] {
    return [];
  }
  removeChannel(): Promise<"ok"> {
    return Promise.resolve("ok");
  }
  removeAllChannels(): Promise<"ok"[]> {
    return Promise.resolve([]);
  }
}

/** Takes Storage's place in `createClient`: any use of `supabase.storage` throws. */
export class StorageClient {
  constructor(_url: string, _headers?: unknown, _fetch?: unknown, _options?: unknown) {
    return new Proxy(this, { get: (_t, prop) => prop === "then" ? undefined : omitted(`Supabase Storage (.${String(prop)})`) });
  }
}

export class StorageApiError extends Error {}
