// Provider API routing: a table of [method, path pattern, handler], matched in order.

export type Route<H> = [method: string, pattern: RegExp, handler: H];

/** The route for this method and path, "method" when only other methods have one, or null. */
export function findRoute<H>(
  routes: Route<H>[],
  method: string,
  path: string,
): { handler: H; match: RegExpExecArray } | "method" | null {
  const matching = routes.filter(([, pattern]) => pattern.test(path));
  if (!matching.length) return null;
  const route = matching.find(([m]) => m === method);
  return route ? { handler: route[2], match: route[1].exec(path)! } : "method";
}
