// Add a referral: who referred (customer, partner, employee) and whom, with a
// phone number or an email address (duplicates are refused by SQL).
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../../lib/errors";
import { useOrg } from "../../../lib/session";
import type { ReferrerKind } from "../api/listReferrals";
import { DUPLICATE_MESSAGE, useSubmitReferral } from "../api/submitReferral";

export function ReferralForm({ onDone }: { onDone: (message: string) => void }) {
  const { orgId, org } = useOrg();
  const submit = useSubmitReferral(orgId);
  const [kind, setKind] = useState<ReferrerKind>("customer");
  const [referrer, setReferrer] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [value, setValue] = useState("");
  const [notes, setNotes] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  function send(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    if (!phone.trim() && !email.trim()) return setProblem("Enter a phone number or an email address for the person referred.");
    const deal = value.trim() ? Number(value) : null;
    if (deal != null && !(deal >= 0)) return setProblem("The expected deal value is an amount of 0 or more.");
    submit.mutate({
      referrer_kind: kind,
      referrer_name: referrer.trim(),
      referred_name: name.trim(),
      referred_phone: phone.trim() || null,
      referred_email: email.trim() || null,
      deal_value: deal,
      notes: notes.trim() || null,
    }, { onSuccess: () => onDone(`Referral of ${name.trim()} added.`) });
  }

  return (
    <form className="ref-form" onSubmit={send} aria-label="Add a referral">
      <div className="ref-form-grid">
        <label>
          Referred by a
          <select value={kind} onChange={(e) => setKind(e.target.value as ReferrerKind)}>
            <option value="customer">Customer</option>
            <option value="partner">Partner</option>
            <option value="employee">Employee</option>
          </select>
        </label>
        <label>
          Referrer's name
          <input required maxLength={200} value={referrer} onChange={(e) => setReferrer(e.target.value)} />
        </label>
        <label>
          Referred person
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Phone
          <input type="tel" maxLength={32} value={phone} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label>
          Email
          <input type="email" maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Expected deal value ({org.currency})
          <input type="number" min="0" step="any" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
      </div>
      <label>
        Notes
        <textarea rows={2} maxLength={2000} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {(problem || submit.isError) && (
        <p className="inline-error" role="alert">{problem ?? errorMessage(submit.error, { SP409: DUPLICATE_MESSAGE })}</p>
      )}
      <div className="form-actions">
        <button type="submit" disabled={submit.isPending}>{submit.isPending ? "Adding…" : "Add referral"}</button>
        <button type="button" className="secondary" onClick={() => onDone("")}>Cancel</button>
      </div>
    </form>
  );
}
