// "1–25 of N" with Prev/Next.
export function Pagination({ page, pageSize, shown, total, onPage }: {
  page: number;
  pageSize: number;
  shown: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const start = shown ? (page - 1) * pageSize + 1 : 0;
  const end = (page - 1) * pageSize + shown;
  return (
    <nav className="calls-pager" aria-label="Pagination">
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>Prev</button>
      <span className="calls-range" aria-live="polite">{start}–{end} of {total}</span>
      <button type="button" className="secondary" disabled={end >= total} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}
