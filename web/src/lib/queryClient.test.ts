import { describe, expect, it } from "vitest";
import { makeQueryClient } from "./queryClient";

describe("makeQueryClient", () => {
  it("queries stay fresh 15 s, retry once and refetch on focus; mutations never retry", () => {
    const d = makeQueryClient().getDefaultOptions();
    expect(d.queries).toEqual({ staleTime: 15_000, retry: 1, refetchOnWindowFocus: true });
    expect(d.mutations).toEqual({ retry: 0 });
  });
});
