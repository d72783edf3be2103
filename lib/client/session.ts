import { sessionSchema, type Session } from "@/lib/contract/session";

/** The signed-in session, or null (signed out, or an answer that is not a session). */
export async function fetchSession(url: string): Promise<Session | null> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) return null;
  const parsed = sessionSchema.nullable().safeParse(await res.json());
  return parsed.success && parsed.data?.user ? parsed.data : null;
}
