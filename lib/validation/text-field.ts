import "./zod-jitless";
import { z } from "zod";
import { isPlainText, plainTextMessage } from "./text";

/**
 * A required field of typed text: trimmed, not blank, at most `max` characters, and plain
 * (./text.ts), with the sentences a form shows for each refusal.
 */
export const textField = (o: {
  field: string;
  kind: "line" | "text";
  max: number;
  missing: string;
  tooLong: string;
}) =>
  z
    .string({ error: o.missing })
    .trim()
    .min(1, o.missing)
    .max(o.max, o.tooLong)
    .refine((v) => isPlainText(v, o.kind), plainTextMessage(o.field));
