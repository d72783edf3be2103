import type { Metadata } from "next";
import { AuthForm } from "@/components/auth-form";
import { safeRedirect } from "@/lib/safe-redirect";
import { signInAction } from "../actions";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const callbackUrl = safeRedirect((await searchParams).callbackUrl);
  return (
    <section className="panel auth-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p className="muted">Sign in before the drop starts so your Buy Now counts.</p>
      <AuthForm mode="sign-in" action={signInAction} callbackUrl={callbackUrl} />
    </section>
  );
}
