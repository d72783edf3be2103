"use client";

import Link from "next/link";
import { useActionState, useRef, useState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { idle, type FormState } from "@/lib/admin/form-state";
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from "@/lib/admin/image";
import { productFieldError } from "@/lib/admin/product";
import { imageUploadReplySchema } from "@/lib/contract/admin-api";
import { Field } from "@/components/field";
import { FormMessage } from "./form-message";
import { useLiveErrors } from "./use-live-errors";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;
type Product = {
  id: string;
  name: string;
  slug: string;
  description: string;
  price: string;
  imageUrl: string;
};

/** One field's error with the save's own rules, or null when it is valid now. */
const checkField = (name: string, value: string) =>
  name === "imageId" ? null : productFieldError(name, value);

const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);

/**
 * Create or edit a product. The image uploads as soon as it is chosen (to /api/admin/images,
 * which checks and stores it) and the form saves its id; the other fields go to the action.
 */
export function ProductForm({ action, product }: { action: Action; product?: Product }) {
  const [state, formAction] = useActionState(action, idle);
  const { errors, onChange } = useLiveErrors(state, checkField);
  const kept = "values" in state ? state.values : {};
  const value = (k: keyof Product) => kept[k] ?? product?.[k] ?? "";

  const [image, setImage] = useState<{ id: string; url: string } | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const slugRef = useRef<HTMLInputElement>(null);
  const slugEdited = useRef(Boolean(product));

  async function upload(file: File) {
    setUploadError(null);
    if (file.size > IMAGE_MAX_BYTES) return setUploadError("The image must be 2 MB or smaller");
    setUploading(true);
    try {
      const res = await fetch("/api/admin/images", {
        method: "POST",
        headers: { "content-type": file.type || "application/octet-stream" },
        body: file,
      });
      const parsed = imageUploadReplySchema.safeParse(await res.json().catch(() => null));
      const body = parsed.success ? parsed.data : null;
      if (res.status === 201 && body && "id" in body) setImage({ id: body.id, url: body.url });
      else
        setUploadError(
          (body && "status" in body && (body.fieldErrors?.imageId ?? body.message)) ||
            "The upload failed. Try again.",
        );
    } catch {
      setUploadError("The upload failed. Check your connection and try again.");
    } finally {
      setUploading(false);
    }
  }

  const preview = image?.url ?? product?.imageUrl;
  const imageError = uploadError ?? errors.imageId;

  return (
    <form action={formAction} onChange={onChange} className="form admin-form" noValidate>
      {product && <input type="hidden" name="id" value={product.id} />}
      <FormMessage state={state} />
      <Field name="name" label="Name" error={errors.name}>
        {(a) => (
          <input
            {...a}
            name="name"
            maxLength={120}
            required
            defaultValue={value("name")}
            onChange={(e) => {
              if (!slugEdited.current && slugRef.current)
                slugRef.current.value = slugify(e.target.value);
            }}
          />
        )}
      </Field>
      <Field
        name="slug"
        label="Slug"
        error={errors.slug}
        hint="The product's address: lowercase letters, digits and hyphens."
      >
        {(a) => (
          <div className="input-prefix">
            <span aria-hidden="true">/products/</span>
            <input
              {...a}
              ref={slugRef}
              name="slug"
              maxLength={80}
              required
              autoCapitalize="off"
              spellCheck={false}
              defaultValue={value("slug")}
              onChange={() => (slugEdited.current = true)}
            />
          </div>
        )}
      </Field>
      <Field name="description" label="Description" error={errors.description}>
        {(a) => (
          <textarea
            {...a}
            name="description"
            rows={5}
            maxLength={2000}
            required
            defaultValue={value("description")}
          />
        )}
      </Field>
      <Field name="price" label="Price (USD)" error={errors.price}>
        {(a) => (
          <div className="input-prefix">
            <span aria-hidden="true">$</span>
            <input
              {...a}
              name="price"
              inputMode="decimal"
              placeholder="24.99"
              required
              defaultValue={value("price")}
            />
          </div>
        )}
      </Field>
      <Field
        name="imageId"
        label="Image"
        error={imageError ?? undefined}
        hint="PNG, JPEG, WebP or GIF, up to 2 MB. Square images look best."
      >
        {(a) => (
          <div className="image-picker">
            {preview ? (
              // eslint-disable-next-line @next/next/no-img-element -- an upload preview
              <img src={preview} alt="" width={96} height={96} />
            ) : (
              <span className="image-placeholder" aria-hidden="true">
                No image
              </span>
            )}
            <div>
              <input
                {...a}
                type="file"
                accept={IMAGE_TYPES.join(",")}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  if (file) void upload(file);
                }}
              />
              <span className="muted" role="status" aria-live="polite">
                {uploading ? "Uploading…" : image ? "Uploaded." : ""}
              </span>
            </div>
            <input type="hidden" name="imageId" value={image?.id ?? ""} />
          </div>
        )}
      </Field>
      <fieldset className="form-actions" disabled={uploading}>
        <SubmitButton pendingText="Saving…">
          {product ? "Save changes" : "Create product"}
        </SubmitButton>
        <Link href="/admin/products" className="btn btn-secondary">
          Cancel
        </Link>
      </fieldset>
    </form>
  );
}
