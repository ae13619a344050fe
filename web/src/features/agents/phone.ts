// Agent phone numbers: what people type ("+1 (415) 555-0101", "0044 20 …")
// to the E.164 form Twilio dials and the database accepts.
export const E164 = /^\+[1-9]\d{6,14}$/;

/** The E.164 form of `input`, or null when it cannot be one. */
export function normalizePhone(input: string): string | null {
  let s = input.trim().replace(/[\s().-]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  return E164.test(s) ? s : null;
}
