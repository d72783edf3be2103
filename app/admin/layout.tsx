import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { requireMerchant } from "@/lib/auth/guards";
import { signInUrl } from "./guard";
import "./admin.css";

export const metadata: Metadata = {
  title: { default: "Dashboard", template: "%s · Dashboard · Stampede" },
  robots: { index: false, follow: false },
};

/** Merchants only, checked on the server for every admin page (pages and actions check again). */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const g = await requireMerchant();
  if (!g.ok && g.status === 401) redirect(signInUrl("/admin"));
  if (!g.ok) forbidden();
  return (
    <div className="admin">
      <div className="admin-bar">
        <Link href="/admin" className="admin-brand">
          Merchant dashboard
        </Link>
        <AdminNav />
        <span className="admin-who muted">{g.user.email}</span>
      </div>
      {children}
    </div>
  );
}
