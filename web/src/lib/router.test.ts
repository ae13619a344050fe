import { describe, expect, it } from "vitest";
import { matchPath } from "./router";

describe("matchPath", () => {
  it("matches fixed segments and decodes parameters", () => {
    expect(matchPath("/app/calls/:id", "/app/calls/abc%20d")).toEqual({ id: "abc d" });
    expect(matchPath("/app/staff/tenants/:id/jobs/:job", "/app/staff/tenants/t1/jobs/j2")).toEqual({ id: "t1", job: "j2" });
    expect(matchPath("/app/calls", "/app/calls/")).toEqual({});
  });
  it("refuses other segments and other lengths", () => {
    expect(matchPath("/app/calls/:id", "/app/goals/1")).toBeNull();
    expect(matchPath("/app/calls/:id", "/app/calls")).toBeNull();
    expect(matchPath("/app/calls/:id", "/app/calls/1/x")).toBeNull();
  });
});
