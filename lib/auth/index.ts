import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db";
import { getUserByEmail } from "@/db/queries";
import { accounts, sessions, users, verificationTokens, type Role } from "@/db/schema";
import { env } from "@/lib/env";
import { safeRedirect } from "@/lib/safe-redirect";
import { log } from "@/lib/log";
import { checkPassword } from "./password";
import { storePassword } from "./password-change";
import { signInSchema } from "./schemas";
import { endAllSessions, isCurrentSession, versionForNewSession } from "./session-version";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    role?: Role;
    /** The session's version (./session-version.ts): sign-out and password change end it. */
    sv?: number;
  }
}

/**
 * Auth.js with JWT sessions and email + password. The config is built lazily (per request) so
 * importing this module opens no database connection, which keeps `next build` away from it.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  adapter: DrizzleAdapter(db(), {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  }),
  secret: env().AUTH_SECRET,
  trustHost: true,
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const user = await getUserByEmail(parsed.data.email);
        const check = await checkPassword(parsed.data.password, user?.passwordHash);
        if (!user || !check.ok) return null;
        // A hash from before passwords were pre-hashed (./password.ts): rewritten the new way.
        if (check.upgrade)
          await storePassword(user.id, parsed.data.password).catch((error: unknown) =>
            log.warn({ err: error }, "auth: could not upgrade a password hash"),
          );
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    // Auth.js's own endpoints take a callbackUrl too (query, form, cookie): the same rule.
    redirect({ url, baseUrl }) {
      const own = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${safeRedirect(own)}`;
    },
    // Every session read (pages, actions, /api/auth/session) passes here: null ends the session
    // and clears its cookie.
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.role = user.role ?? "shopper";
        token.sv = await versionForNewSession(user.id);
        return token;
      }
      if (token.sub && !(await isCurrentSession(token.sub, token.sv))) return null;
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role ?? "shopper";
      return session;
    },
  },
  events: {
    // Signing out here ends the session on every device, lane tickets included.
    async signOut(message) {
      const sub = "token" in message ? message.token?.sub : undefined;
      if (sub) await endAllSessions(sub);
    },
  },
}));

export type Caller = { id: string; role: Role; email: string; name: string | null };

/** The signed-in user of this request, or null. */
export async function currentUser(): Promise<Caller | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  return {
    id: session.user.id,
    role: session.user.role,
    email: session.user.email ?? "",
    name: session.user.name ?? null,
  };
}
