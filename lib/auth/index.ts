import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/db";
import { getUserByEmail } from "@/db/queries";
import { accounts, sessions, users, verificationTokens, type Role } from "@/db/schema";
import { env } from "@/lib/env";
import { verifyPassword } from "./password";
import { signInSchema } from "./schemas";

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
        if (!(await verifyPassword(parsed.data.password, user?.passwordHash))) return null;
        return { id: user!.id, email: user!.email, name: user!.name, role: user!.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = user.role ?? "shopper";
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role ?? "shopper";
      return session;
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
