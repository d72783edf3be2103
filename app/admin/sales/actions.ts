"use server";

import { updateTag } from "next/cache";
import { invalidateCatalog } from "@/lib/catalog/shared";
import { redirect } from "next/navigation";
import { formValues, refused, type FormState } from "@/lib/admin/form-state";
import type { StatusOp } from "@/lib/admin/sale";
import { saleChangeTags } from "@/lib/admin/tags";
import { requireMerchant } from "@/lib/auth/guards";
import { changeSaleStatus, createSaleFrom, SALE_FORM_FIELDS, updateSaleFrom } from "./save";

/**
 * Sale actions. Every one checks the merchant first (a shopper or a signed-out caller gets a
 * typed refusal and nothing is read or written); ./save.ts keeps PostgreSQL and the gate in
 * step; then exactly the storefront tags the change affects expire (updateTag: the very next
 * storefront request renders fresh).
 */

/** The shared (Redis) catalog cache first, awaited, then the Next.js tags: the next render is fresh. */
const expire = async (saleId: string) => {
  const list = saleChangeTags(saleId);
  await invalidateCatalog(list);
  list.forEach((t) => updateTag(t));
};

export async function createSale(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const saved = await createSaleFrom(formValues(form, SALE_FORM_FIELDS));
  if (!saved.ok) return saved.state;
  await expire(saved.saleId);
  redirect(`/admin/sales/${saved.saleId}?saved=1`);
}

export async function updateSale(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  const saved = await updateSaleFrom(formValues(form, SALE_FORM_FIELDS));
  if (!saved.ok) return saved.state;
  await expire(saved.saleId);
  redirect(`/admin/sales/${saved.saleId}?saved=1`);
}

async function setStatus(form: FormData, op: StatusOp): Promise<FormState> {
  const saved = await changeSaleStatus(String(form.get("id") ?? ""), op);
  if (!saved.ok) return saved.state;
  await expire(saved.saleId);
  return { status: "done", message: saved.message ?? "Saved." };
}

export async function pauseSale(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  return setStatus(form, "pause");
}

export async function resumeSale(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  return setStatus(form, "resume");
}

export async function cancelSale(_prev: FormState, form: FormData): Promise<FormState> {
  const g = await requireMerchant();
  if (!g.ok) return refused(g);
  return setStatus(form, "cancel");
}
