import { products, sales } from "./schema";

/** A product's columns without the search vector, shared by the storefront and admin queries. */
export const productColumns = {
  id: products.id,
  slug: products.slug,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  imageUrl: products.imageUrl,
  status: products.status,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

/** A sale with the product fields its pages show (storefront and admin). */
export const saleWithProductColumns = {
  sale: sales,
  product: {
    id: products.id,
    slug: products.slug,
    name: products.name,
    imageUrl: products.imageUrl,
    priceCents: products.priceCents,
  },
};
