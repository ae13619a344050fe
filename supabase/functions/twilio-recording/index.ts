import { observed } from "../_shared/observe.ts";
import { makeHandler, realDeps } from "./handler.ts";

Deno.serve(observed("twilio-recording", makeHandler(realDeps())));
