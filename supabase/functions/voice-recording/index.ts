import { makeHandler, realDeps } from "./handler.ts";

Deno.serve(makeHandler(realDeps()));
