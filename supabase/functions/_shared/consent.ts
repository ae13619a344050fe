// The country of a caller's number, for the consent ledger
// (public.record_call_consent): libphonenumber-js' country when the number is
// valid, else the main country of its calling code (+1 → US), else null
// (the ledger then counts the region as unknown: every party must consent).
import { parsePhoneNumberFromString } from "libphonenumber-js";

export function callerCountry(number: string | null | undefined): string | null {
  if (!number) return null;
  const p = parsePhoneNumberFromString(number);
  if (!p) return null;
  return p.country ?? p.getPossibleCountries()[0] ?? null;
}
