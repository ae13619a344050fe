// Faults injected into the Stripe API (and, with an explicit path, the hosted pages).
import { SpecFaults } from "../kernel/faults.ts";
import { FaultSpec } from "./specs.ts";

/** `path` is a glob in which `*` crosses `/`; every /v1 path when omitted. */
export class Faults extends SpecFaults<typeof FaultSpec> {
  constructor() {
    super(FaultSpec, (p) => p.startsWith("/v1/"));
  }
}
