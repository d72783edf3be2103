import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth";
import { withArming } from "@/lib/gate/arm";
import { isUuid } from "@/lib/validation/uuid";
import { gate } from "@/lib/gate/gate";
import { safeRedirect } from "@/lib/safe-redirect";

export const metadata: Metadata = { title: "Your answer" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ status?: string; back?: string; retryAfterMs?: string }>;
};

const minutes = (ms: number) => `${Math.max(0, Math.ceil(ms / 60_000))} min`;

/**
 * Where the no-JavaScript Buy Now lands: the shopper's true state, read from the gate now
 * (a hold, a place in line), with the answer the form got when the gate has nothing to add.
 */
export default async function AnswerPage({ params, searchParams }: Props) {
  const { id } = await params;
  const q = await searchParams;
  const back = safeRedirect(q.back);
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  const st = isUuid(id)
    ? await withArming(id, () => gate.state(id, user.id)).catch(() => null)
    : null;

  let title: string;
  let body: React.ReactNode = null;
  let status = q.status ?? "unknown";
  if (st?.s === "ok" && st.hold && st.exp) {
    status = "secured";
    title = `Secured! It’s yours — you were #${st.pos}.`;
    body = (
      <>
        <p>We’re holding it for you for about {minutes(st.exp - st.now)}.</p>
        <Link className="btn" href={`/checkout/${id}`}>
          Check out now
        </Link>
      </>
    );
  } else if (st?.s === "ok" && st.linePos) {
    status = "in_line";
    title = `You’re #${st.linePos} in line.`;
    body = (
      <p>
        If a hold runs out, the unit comes to the next in line. Reload this page to see where you
        are.
      </p>
    );
  } else if (st?.s === "ok" && (st.bought ?? 0) >= st.limit) {
    status = "already_purchased";
    title = "You already bought this drop’s limit.";
  } else if (
    status === "sold_out" ||
    (st?.s === "ok" && st.phase === "live" && st.avail === 0 && st.held === 0)
  ) {
    status = "sold_out";
    title = "Sold out.";
  } else if (status === "not_started") {
    title = "Not yet — the drop hasn’t started.";
  } else if (status === "ended" || (st?.s === "ok" && st.phase === "ended")) {
    status = "ended";
    title = "This drop has ended.";
  } else if (status === "rate_limited") {
    title = "You’re pressing faster than the drop allows.";
    body = <p>Try again in {Math.ceil(Number(q.retryAfterMs ?? 1000) / 1000)} s.</p>;
  } else {
    title = "The drop is very busy right now.";
    body = <p>Go back and try again in a moment.</p>;
  }

  return (
    <section className="panel confirmation" aria-labelledby="answer-title">
      <div role="status" data-testid="no-js-answer" data-status={status}>
        <h1 id="answer-title">{title}</h1>
        {body}
      </div>
      <p>
        <Link href={back}>Back to the product</Link>
      </p>
    </section>
  );
}
