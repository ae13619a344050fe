import { describe, expect, it } from "vitest";
import { outranks, ROLE_LABELS, ROLES, rolesUpTo } from "./api/roles";

describe("roles", () => {
  it("hands out only roles no higher than the caller's, highest first", () => {
    expect(ROLES).toEqual(["owner", "admin", "manager", "agent"]);
    expect(rolesUpTo("owner")).toEqual(["owner", "admin", "manager", "agent"]);
    expect(rolesUpTo("admin")).toEqual(["admin", "manager", "agent"]);
    expect(rolesUpTo("manager")).toEqual(["manager", "agent"]);
    expect(rolesUpTo("agent")).toEqual(["agent"]);
  });
  it("outranks is strict", () => {
    expect(outranks("owner", "admin")).toBe(true);
    expect(outranks("admin", "admin")).toBe(false);
    expect(outranks("agent", "manager")).toBe(false);
    expect(outranks("manager", "agent")).toBe(true);
  });
  it("labels", () => {
    expect(ROLE_LABELS).toEqual({ owner: "Owner", admin: "Admin", manager: "Manager", agent: "Agent" });
  });
});
