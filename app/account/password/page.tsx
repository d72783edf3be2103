import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { changePasswordAction } from "@/app/(auth)/actions";
import { PasswordForm } from "@/components/password-form";
import { currentUser } from "@/lib/auth";

export const metadata: Metadata = { title: "Change password" };

export default async function ChangePasswordPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/account/password");
  return (
    <section className="panel auth-card" aria-labelledby="password-title">
      <h1 id="password-title">Change password</h1>
      <p className="muted">You will be signed out everywhere else.</p>
      <PasswordForm action={changePasswordAction} />
    </section>
  );
}
