import { AuthForm } from "@/components/auth-form";
import { safeRedirect } from "@/lib/safe-redirect";
import { signInAction, signUpAction } from "./actions";

export type AuthPageProps = { searchParams: Promise<{ callbackUrl?: string }> };

const PAGES = {
  "sign-in": {
    title: "Sign in",
    lead: "Sign in before the drop starts so your Buy Now counts.",
    action: signInAction,
  },
  "sign-up": {
    title: "Create an account",
    lead: "One account, one fair place in every drop.",
    action: signUpAction,
  },
} as const;

/** The sign-in or sign-up page: its title, a line on why, and the form, in one card. */
export async function AuthPage({
  mode,
  searchParams,
}: AuthPageProps & { mode: keyof typeof PAGES }) {
  const { title, lead, action } = PAGES[mode];
  const callbackUrl = safeRedirect((await searchParams).callbackUrl);
  return (
    <section className="panel auth-card" aria-labelledby={`${mode}-title`}>
      <h1 id={`${mode}-title`}>{title}</h1>
      <p className="muted">{lead}</p>
      <AuthForm mode={mode} action={action} callbackUrl={callbackUrl} />
    </section>
  );
}
