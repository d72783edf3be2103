"use server";

import { cookies, headers } from "next/headers";
import { AuthError } from "next-auth";
import { db } from "@/db";
import { users } from "@/db/schema";
import { currentUser, signIn, signOut } from "@/lib/auth";
import { refuseAuthAttempt } from "@/lib/auth/attempts";
import { TICKET_COOKIES } from "@/lib/auth/lane-ticket";
import { hashPassword } from "@/lib/auth/password";
import { changePassword } from "@/lib/auth/password-change";
import { weakPasswordMessage } from "@/lib/auth/password-strength";
import { withRequestId } from "@/lib/request-id";
import { changePasswordSchema, signInSchema, signUpSchema } from "@/lib/auth/schemas";
import { safeRedirect } from "@/lib/safe-redirect";

export type AuthFormState =
  | { status: "idle" }
  | { status: "invalid"; fieldErrors: Record<string, string>; email?: string; name?: string }
  | { status: "failed"; message: string; email?: string; name?: string };

const firstErrors = (issues: { path: PropertyKey[]; message: string }[]) =>
  Object.fromEntries(issues.map((i) => [String(i.path[0]), i.message]).reverse());

type RequestHeaders = Awaited<ReturnType<typeof headers>>;

export async function signInAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const h = await headers();
  return withRequestId(h, () => signInWith(form, h));
}

export async function signUpAction(_prev: AuthFormState, form: FormData): Promise<AuthFormState> {
  const h = await headers();
  return withRequestId(h, () => signUpWith(form, h));
}

async function signInWith(form: FormData, h: RequestHeaders): Promise<AuthFormState> {
  const parsed = signInSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
  });
  const email =
    typeof form.get("email") === "string" ? String(form.get("email")).slice(0, 254) : undefined;
  if (!parsed.success)
    return { status: "invalid", fieldErrors: firstErrors(parsed.error.issues), email };
  // Counted per IP once the form is well formed: a typo costs nothing, a guess does.
  const refused = await refuseAuthAttempt("signIn", h);
  if (refused) return { status: "failed", message: refused.message, email };
  try {
    await signIn("credentials", {
      ...parsed.data,
      redirectTo: safeRedirect(form.get("callbackUrl")),
    });
  } catch (error) {
    // One message for an unknown email and a wrong password: no account enumeration.
    if (error instanceof AuthError)
      return { status: "failed", message: "Email or password is incorrect.", email };
    throw error; // the redirect after a successful sign-in
  }
  return { status: "idle" };
}

async function signUpWith(form: FormData, h: RequestHeaders): Promise<AuthFormState> {
  const raw = { name: form.get("name"), email: form.get("email"), password: form.get("password") };
  const parsed = signUpSchema.safeParse(raw);
  const keep = {
    email: typeof raw.email === "string" ? raw.email.slice(0, 254) : undefined,
    name: typeof raw.name === "string" ? raw.name.slice(0, 80) : undefined,
  };
  if (!parsed.success)
    return { status: "invalid", fieldErrors: firstErrors(parsed.error.issues), ...keep };
  const weak = weakPasswordMessage(parsed.data.password, [parsed.data.name, parsed.data.email]);
  if (weak) return { status: "invalid", fieldErrors: { password: weak }, ...keep };
  // Before hashing: bcrypt is the expensive part a sign-up flood would make us do.
  const refused = await refuseAuthAttempt("signUp", h);
  if (refused) return { status: "failed", message: refused.message, ...keep };
  const { name, email, password } = parsed.data;
  const inserted = await db()
    .insert(users)
    .values({ name, email, passwordHash: await hashPassword(password), role: "shopper" })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  if (inserted.length === 0) {
    return {
      status: "failed",
      message:
        "We couldn’t create an account with those details. If you already have one, sign in instead.",
      ...keep,
    };
  }
  await signIn("credentials", {
    email,
    password,
    redirectTo: safeRedirect(form.get("callbackUrl")),
  });
  return { status: "idle" };
}

export async function changePasswordAction(
  _prev: AuthFormState,
  form: FormData,
): Promise<AuthFormState> {
  const h = await headers();
  return withRequestId(h, () => changePasswordWith(form, h));
}

/**
 * A new password for the signed-in user: the current one must be right (guesses count against
 * the per-IP sign-in limit), the new one strong. Every session of the user ends, this one too;
 * this browser is then signed in again with the new password.
 */
async function changePasswordWith(form: FormData, h: RequestHeaders): Promise<AuthFormState> {
  const user = await currentUser();
  if (!user) return { status: "failed", message: "Sign in first." };
  const parsed = changePasswordSchema.safeParse({
    current: form.get("current"),
    password: form.get("password"),
  });
  if (!parsed.success) return { status: "invalid", fieldErrors: firstErrors(parsed.error.issues) };
  const weak = weakPasswordMessage(parsed.data.password, [user.name ?? "", user.email]);
  if (weak) return { status: "invalid", fieldErrors: { password: weak } };
  const refused = await refuseAuthAttempt("signIn", h);
  if (refused) return { status: "failed", message: refused.message };
  const changed = await changePassword(user.id, parsed.data.current, parsed.data.password);
  if (!changed.ok)
    return { status: "invalid", fieldErrors: { current: "That is not your current password." } };
  await signIn("credentials", {
    email: changed.email,
    password: parsed.data.password,
    redirectTo: "/account?password=changed",
  });
  return { status: "idle" };
}

export async function signOutAction(): Promise<void> {
  // The lane ticket (lib/auth/lane-ticket.ts) counts for nothing without the session, but it
  // names the user, so it goes too. It is sent to /api/ only: this request cannot tell whether
  // there is one, so both names are cleared.
  const jar = await cookies();
  for (const name of TICKET_COOKIES)
    jar.set(name, "", {
      path: "/api/",
      maxAge: 0,
      httpOnly: true,
      sameSite: "lax",
      secure: name.startsWith("__Secure-"),
    });
  await signOut({ redirectTo: "/" });
}
