"use client";

import { useCallback, useState, type RefObject } from "react";
import type { Answer } from "./answer";
import { browserEffects, pressBuyNow } from "./press";
import { requestBuyNow } from "./sale-requests";

export type Press = {
  /** The last click's final answer. */
  answer: Answer | null;
  pending: boolean;
  /** What each attempt of the last click got, e.g. ["rate_limited", "secured"]. */
  attempts: string[];
  /** Click → answer of the last click, as the page measured it. */
  answerMs: number | null;
  press: () => Promise<void>;
};

/** Buy Now for the sale panel: one click at a time, its answer and how it was reached (./press.ts). */
export function useBuyNow(
  saleId: string,
  /** What is known to be true without the gate (the shopper's own state, the sale's), if anything. */
  known: RefObject<() => Promise<Answer | null>>,
  onAnswer: () => void,
): Press {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [pending, setPending] = useState(false);
  const [attempts, setAttempts] = useState<string[]>([]);
  const [answerMs, setAnswerMs] = useState<number | null>(null);

  const press = useCallback(async () => {
    if (pending) return;
    setPending(true);
    const clickedAt = browserEffects.now();
    try {
      const outcome = await pressBuyNow(
        (timeoutMs) => requestBuyNow(saleId, timeoutMs),
        () => known.current(),
      );
      setAnswer(outcome.answer);
      setAnswerMs(Math.round(browserEffects.now() - clickedAt));
      setAttempts(outcome.attempts);
      onAnswer();
    } finally {
      setPending(false);
    }
  }, [pending, saleId, known, onAnswer]);

  return { answer, pending, attempts, answerMs, press };
}
