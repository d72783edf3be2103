/** Every Next.js cache tag, in one place, so a change revalidates exactly what it affects. */
export const tags = {
  /** The product grid and search results. */
  catalog: "catalog",
  product: (slug: string) => `product:${slug}`,
  /** Sale schedules shown on the storefront (home badges, product sale panels). */
  sales: "sales",
  sale: (id: string) => `sale:${id}`,
} as const;
