import { describe, expect, it } from "vitest";
import { normalizePhone } from "./phone";

describe("normalizePhone", () => {
  it("turns what people type into E.164", () => {
    expect(normalizePhone(" +1 (415) 555-0101 ")).toBe("+14155550101");
    expect(normalizePhone("0044 20 7946 0018")).toBe("+442079460018");
    expect(normalizePhone("+44.20.7946.0018")).toBe("+442079460018");
    expect(normalizePhone("\t+14155550101\n")).toBe("+14155550101");
  });
  it("refuses what cannot be a number", () => {
    expect(normalizePhone("4155550101")).toBeNull();
    expect(normalizePhone("+0155550101")).toBeNull();
    expect(normalizePhone("+12345")).toBeNull();
    expect(normalizePhone("+1234567")).toBe("+1234567");
    expect(normalizePhone("+1234567890123456")).toBeNull();
    expect(normalizePhone("+123456789012345")).toBe("+123456789012345");
    expect(normalizePhone("+1 415 555 01x1")).toBeNull();
    expect(normalizePhone("x+14155550101")).toBeNull();
    expect(normalizePhone("")).toBeNull();
  });
});
