import type { Metadata } from "next";
import { ProductCard } from "@/components/product-card";
import { searchCatalog } from "@/lib/catalog/cached";

export const metadata: Metadata = { title: "Search" };

type Props = { searchParams: Promise<{ q?: string | string[] }> };

export default async function SearchPage({ searchParams }: Props) {
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 100) ?? "";
  const results = q ? await searchCatalog(q) : [];

  return (
    <section aria-labelledby="search-title">
      <div className="section-title">
        <h1 id="search-title" style={{ fontSize: 28, margin: 0 }}>
          {q ? <>Results for “{q}”</> : "Search"}
        </h1>
        {q && (
          <span className="muted" role="status">
            {results.length} {results.length === 1 ? "product" : "products"}
          </span>
        )}
      </div>
      {!q ? (
        <p className="empty">Type a product name or a word from its description.</p>
      ) : results.length === 0 ? (
        <p className="empty">Nothing matches “{q}”. Try a shorter or different word.</p>
      ) : (
        <ul className="grid">
          {results.map((p) => (
            <li key={p.id}>
              <ProductCard product={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
