import "@/lib/validation/zod-jitless";
import { z } from "zod";

/** What the browser reads of Auth.js's `GET /api/auth/session`: who is signed in, and until when. */
export const sessionSchema = z.object({
  user: z
    .object({
      id: z.string().optional(),
      name: z.string().nullish(),
      email: z.string().nullish(),
      role: z.string().optional(),
    })
    .optional(),
  /** When the session expires; Auth.js moves it on every session read. */
  expires: z.string().optional(),
});
export type Session = z.infer<typeof sessionSchema>;
