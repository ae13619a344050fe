import { observed } from "../_shared/observe.ts";
import { makeHandler, realDeps } from "./handler.ts";

Deno.serve(observed("stripe-webhook", makeHandler(realDeps())));
