import type { Metadata } from "next";
import { AuthForm } from "@/components/auth-form";
import { safeRedirect } from "@/lib/safe-redirect";
import { signUpAction } from "../actions";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  const callbackUrl = safeRedirect((await searchParams).callbackUrl);
  return (
    <section className="panel auth-card" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <p className="muted">One account, one fair place in every drop.</p>
      <AuthForm mode="sign-up" action={signUpAction} callbackUrl={callbackUrl} />
    </section>
  );
}
