// Faults injected into the Twilio API routes (never the control API), and how they answer.
import { type Hangs, sleep, SpecFaults, truncated } from "../kernel/faults.ts";
import { twilioError } from "./format.ts";
import { type Fault, FaultSpec } from "./specs.ts";

/** Faults on the API routes; `path` is a glob in which `*` crosses `/`. */
export class Faults extends SpecFaults<typeof FaultSpec> {
  constructor() {
    super(FaultSpec);
  }
}

/** A fault's answer before the route runs (429, 500, timeout), or null to run it (after `slow`). */
export async function faultBefore(
  fault: Fault | undefined,
  req: Request,
  hangs: Hangs,
): Promise<Response | null> {
  if (fault?.kind === "timeout") return await hangs.hang(req);
  if (fault?.kind === "slow") await sleep(fault.delay_ms);
  if (fault?.kind === "429") {
    return twilioError(429, 20429, "Too Many Requests", {
      "retry-after": String(fault.retry_after),
    });
  }
  if (fault?.kind === "500") return twilioError(500, 20500, "Internal Server Error");
  return null;
}

/** A `malformed` fault cuts a successful body short. */
export const faultAfter = (fault: Fault | undefined, res: Response) =>
  fault?.kind === "malformed" && res.ok ? truncated(res, '{"sid": "') : res;
