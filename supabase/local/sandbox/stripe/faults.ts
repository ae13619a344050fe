// Faults injected into the Stripe API (and, with an explicit path, the hosted pages).
import { parse } from "../kernel/control.ts";
import { FaultRegistry, matches } from "../kernel/faults.ts";
import { type Fault, FaultSpec } from "./specs.ts";

/** `path` is a glob in which `*` crosses `/`; every /v1 path when omitted. */
export class Faults extends FaultRegistry<Fault, FaultSpec> {
  constructor() {
    super((spec) => {
      const fault = parse(FaultSpec, spec);
      return { fault, remaining: fault.count ?? null };
    }, (f, method, path) => matches(f, method, path, (p) => p.startsWith("/v1/")));
  }
}
