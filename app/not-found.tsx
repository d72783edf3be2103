import Link from "next/link";

export default function NotFound() {
  return (
    <section className="empty" aria-labelledby="nf-title">
      <h1 id="nf-title" style={{ color: "var(--ink)" }}>
        We couldn’t find that page
      </h1>
      <p>It may have sold out of existence, or the link is wrong.</p>
      <Link href="/" className="btn">
        Back to the shop
      </Link>
    </section>
  );
}
