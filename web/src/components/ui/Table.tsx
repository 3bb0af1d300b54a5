import type { ReactNode } from "react";

/** A scrollable data table: column headings, then the rows given as children. */
export function Table({
  testId,
  columns,
  children,
}: {
  testId: string;
  columns: string[];
  children: ReactNode;
}) {
  return (
    // A scrollable region takes keyboard focus so it can be scrolled without a mouse (WCAG 2.1.1).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable
    <section className="table-wrap" tabIndex={0} aria-label={testId}>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}
