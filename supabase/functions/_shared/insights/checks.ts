// Checks on digit strings (Luhn, SSN validity), shared by the rules (redact.ts) and the spoken-transcript pass (spoken.ts).

/** Luhn (mod 10) checksum, as used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Area 000, 666 and 900–999, group 00 and serial 0000 are never issued. */
export function ssnValid(d: string): boolean {
  if (!/^\d{9}$/.test(d)) return false;
  const area = d.slice(0, 3);
  return area !== "000" && area !== "666" && area[0] !== "9" && d.slice(3, 5) !== "00" &&
    d.slice(5) !== "0000";
}
