import { currentUser, type Caller } from "./index";

/**
 * Who is calling, checked on the server for every page, action and route that needs it.
 * Pages redirect; actions and routes get a typed refusal they turn into 401/403.
 */

export type Refusal = {
  status: 401 | 403;
  error: "unauthenticated" | "forbidden";
  message: string;
};

export type Guarded = { ok: true; user: Caller } | ({ ok: false } & Refusal);

export async function requireUser(): Promise<Guarded> {
  const user = await currentUser();
  if (!user) return { ok: false, status: 401, error: "unauthenticated", message: "Sign in first." };
  return { ok: true, user };
}

export async function requireMerchant(): Promise<Guarded> {
  const g = await requireUser();
  if (!g.ok) return g;
  if (g.user.role !== "merchant")
    return { ok: false, status: 403, error: "forbidden", message: "Merchants only." };
  return g;
}

/** The JSON response for a refusal. */
export const refusalResponse = (r: Refusal) =>
  Response.json(
    { status: r.error, message: r.message },
    { status: r.status, headers: { "cache-control": "no-store" } },
  );
