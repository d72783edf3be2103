import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { AccountMenu } from "@/components/account-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Stampede — drops that never melt down", template: "%s · Stampede" },
  description: "Limited drops, fair for everyone: first come, first served, never oversold.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#5b3df5" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container">
            <Link href="/" className="brand" aria-label="Stampede home">
              <span className="brand-mark" aria-hidden="true">
                ✦
              </span>
              Stampede
            </Link>
            <form className="search-form" action="/search" role="search">
              <label htmlFor="site-search" className="sr-only">
                Search products
              </label>
              <input
                id="site-search"
                type="search"
                name="q"
                placeholder="Search products"
                maxLength={100}
              />
              <button type="submit">Search</button>
            </form>
            <nav className="nav" aria-label="Account">
              <AccountMenu />
            </nav>
          </div>
        </header>
        <main id="main" className="container">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            Stampede — limited drops, first come, first served. Every unit sold once, every shopper
            answered.
          </div>
        </footer>
      </body>
    </html>
  );
}
