// Zod primitives every procedure input is built from. Inputs are strict objects (unknown keys are
// rejected), strings are bounded, and ids are 24-hex ObjectId strings, so nothing a client sends can
// reach a MongoDB query as an operator ("$gt") or fail later as "Cast to ObjectId".
import { z } from 'zod';

export const ZObjectId = z
  .string()
  .regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hex ObjectId')
  .transform((s) => s.toLowerCase())
  .describe('A MongoDB ObjectId as 24 hex characters');
export type ObjectIdString = z.infer<typeof ZObjectId>;

/** A trimmed, bounded, single-line string without control characters. */
export const zText = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

/** Free text that may span lines (descriptions). */
export const zLongText = (max: number) => z.string().trim().max(max);

export const ZEmail = z
  .email()
  .max(254)
  .transform((s) => s.toLowerCase());
export const ZPassword = z.string().min(8, 'must be at least 8 characters').max(256);
export const ZHandle = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9_]+$/i, 'letters, digits and underscores only')
  .transform((s) => s.toLowerCase());

/** Opaque pagination cursor (base64url of the sort key); bounded so it cannot be abused. */
export const ZCursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'invalid cursor');

export const ZPageInput = z.strictObject({
  cursor: ZCursor.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type PageInput = z.infer<typeof ZPageInput>;

/** A page of items and the cursor of the next page (null at the end). */
export const zPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };

export const ZIdInput = z.strictObject({ id: ZObjectId });

/** True if any key at any depth starts with "$" or is a prototype-pollution key. */
export function hasUnsafeKeys(value: unknown, depth = 0): boolean {
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  for (const key of Object.keys(value)) {
    if (key.startsWith('$') || key === '__proto__' || key === 'constructor' || key === 'prototype')
      return true;
    if (hasUnsafeKeys((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
