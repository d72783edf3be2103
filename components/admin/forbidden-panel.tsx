import Link from "next/link";

/** What a signed-in shopper sees instead of any admin page. */
export function ForbiddenPanel() {
  return (
    <section className="empty admin-forbidden" aria-labelledby="forbidden-title">
      <p className="admin-code" aria-hidden="true">
        403
      </p>
      <h1 id="forbidden-title">Merchants only</h1>
      <p>
        This part of Stampede is for the shop&rsquo;s merchants. You are signed in as a shopper.
      </p>
      <Link href="/" className="btn">
        Back to the shop
      </Link>
    </section>
  );
}
