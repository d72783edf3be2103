"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import useSWR from "swr";
import { signOutAction } from "@/app/(auth)/actions";
import { fetchSession } from "@/lib/client/session";

/** The signed-in state loads on the client, so cached pages carry no per-shopper data. */
export function AccountMenu() {
  const pathname = usePathname();
  const {
    data: session,
    isLoading,
    mutate,
  } = useSWR("/api/auth/session", fetchSession, {
    revalidateOnFocus: true,
    dedupingInterval: 2_000,
  });
  // Signing in or out ends in a client-side navigation: look again when the page changes.
  useEffect(() => {
    void mutate();
  }, [pathname, mutate]);
  if (isLoading) return <span className="muted" aria-hidden="true" style={{ width: 120 }} />;
  if (!session?.user) {
    return (
      <>
        <Link href="/sign-in">Sign in</Link>
        <Link href="/sign-up" className="btn btn-small">
          Create account
        </Link>
      </>
    );
  }
  return (
    <>
      {session.user.role === "merchant" && <Link href="/admin">Dashboard</Link>}
      <Link href="/account">{session.user.name || "Account"}</Link>
      <form action={signOutAction}>
        <button type="submit" className="btn btn-secondary btn-small">
          Sign out
        </button>
      </form>
    </>
  );
}
