import { z } from "zod";
import { textField } from "@/lib/validation/text-field";

export const email = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .max(254, "That email address is too long")
  .pipe(z.email({ error: "Enter a valid email address" }));

export const signInSchema = z.object({
  email,
  password: z
    .string({ error: "Enter your password" })
    .min(1, "Enter your password")
    .max(200, "That password is too long"),
});

// NUL would make the insert throw; overrides would let a name pose as another.
const name = textField({
  field: "name",
  kind: "line",
  max: 80,
  missing: "Enter your name",
  tooLong: "Keep your name under 80 characters",
});

/** A new password's shape; its strength is judged after (./password-strength.ts), with the name and email. */
const newPassword = z
  .string({ error: "Choose a password" })
  .min(8, "Use at least 8 characters")
  .max(200, "Use at most 200 characters");

export const signUpSchema = z.object({ name, email, password: newPassword });

export const changePasswordSchema = z.object({
  current: z
    .string({ error: "Enter your current password" })
    .min(1, "Enter your current password")
    .max(200, "That password is too long"),
  password: newPassword,
});
