import { Link } from "../lib/router";

export function Landing() {
  return (
    <main className="landing">
      <header className="topbar"><span className="brand">SalesPulse</span><Link to="/sign-in">Sign in</Link></header>
      <section className="hero">
        <h1>Know what happens on every sales call.</h1>
        <p>SalesPulse records your team's calls, transcribes them and has AI score sentiment, conversions, upsell revenue and script adherence — next to your goals, coaching and billing.</p>
        <p><Link to="/sign-up" className="button">Start free</Link> <Link to="/sign-in">I have an account</Link></p>
      </section>
      <section className="features">
        <div><h2>Call intelligence</h2><p>Every recorded call analyzed: who converted, what they bought, how they felt.</p></div>
        <div><h2>Coaching</h2><p>Play a call with its transcript, jump to key moments, leave comments for your reps.</p></div>
        <div><h2>Privacy first</h2><p>Card numbers and personal data are redacted before any AI sees a transcript.</p></div>
      </section>
    </main>
  );
}
