import Link from "next/link";

/** A column heading: its label, right-aligned for numbers, or read only by screen readers. */
type Column = string | { label: string; num?: boolean; hidden?: boolean };

/**
 * The admin's table: scrolls sideways on its own when wide, and with `cards` each row becomes
 * a card on a phone (cells carry their heading in `data-label`). The caption is for screen
 * readers; the page's heading says it already.
 */
export function AdminTable({
  caption,
  columns,
  cards = false,
  children,
}: {
  caption: string;
  columns: Column[];
  cards?: boolean;
  children: React.ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={cards ? "admin-table admin-cards" : "admin-table"}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const { label, num, hidden } = typeof c === "string" ? { label: c } : c;
              return (
                <th key={label} scope="col" className={num ? "num" : undefined}>
                  {hidden ? <span className="sr-only">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A product's picture and name, linking to `href`: a row's first cell. */
export function ProductCell({
  href,
  imageUrl,
  name,
  size,
}: {
  href: string;
  imageUrl: string;
  name: string;
  size: number;
}) {
  return (
    <td className="cell-wide">
      <Link href={href} className="cell-product">
        {/* eslint-disable-next-line @next/next/no-img-element -- shipped SVGs and uploads */}
        <img src={imageUrl} alt="" width={size} height={size} />
        <span>{name}</span>
      </Link>
    </td>
  );
}
