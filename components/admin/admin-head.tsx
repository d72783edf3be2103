import Link from "next/link";
import { Fragment } from "react";

type Crumb = { href: string; label: string };

/**
 * An admin page's header: the breadcrumb trail to it (the pages above, then `here`), its title,
 * a line under the title and the page's actions.
 */
export function AdminHead({
  trail,
  here,
  title,
  titleClassName,
  lead,
  leadClassName = "muted",
  actions,
}: {
  trail?: Crumb[];
  here?: string;
  title: React.ReactNode;
  titleClassName?: string;
  lead?: React.ReactNode;
  leadClassName?: string;
  actions?: React.ReactNode;
}) {
  return (
    <header className="admin-head">
      <div>
        {trail && (
          <nav className="breadcrumbs" aria-label="Breadcrumb">
            {trail.map((c) => (
              <Fragment key={c.href}>
                <Link href={c.href}>{c.label}</Link> /{" "}
              </Fragment>
            ))}
            <span aria-current="page">{here}</span>
          </nav>
        )}
        <h1 className={titleClassName}>{title}</h1>
        {lead && <p className={leadClassName}>{lead}</p>}
      </div>
      {actions && <div className="admin-actions">{actions}</div>}
    </header>
  );
}

/** The trail from the sales list to one sale's page. */
export const saleTrail = (sale: { id: string; product: { name: string } }): Crumb[] => [
  { href: "/admin/sales", label: "Sales" },
  { href: `/admin/sales/${sale.id}`, label: sale.product.name },
];
