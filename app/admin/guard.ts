import "server-only";
import { forbidden, redirect } from "next/navigation";
import { requireMerchant } from "@/lib/auth/guards";
import type { Caller } from "@/lib/auth";

export const signInUrl = (path: string) => `/sign-in?callbackUrl=${encodeURIComponent(path)}`;

/**
 * Every admin page checks again, not only the layout: Next.js renders a page's segment even
 * when its layout does not show it, so a page must never load merchant data for anyone else.
 * Signed out → the sign-in page (back here afterwards); a shopper → 403 (app/forbidden.tsx).
 */
export async function merchantForPage(path: string): Promise<Caller | null> {
  const g = await requireMerchant();
  if (g.ok) return g.user;
  if (g.status === 401) redirect(signInUrl(path));
  forbidden();
}
