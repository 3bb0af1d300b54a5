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
    <div className="table-wrap">
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
    </div>
  );
}
