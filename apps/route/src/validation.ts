// Request parsing with zod: malformed JSON and invalid fields become 400s that name the field.
import type { Context } from "hono";
import type { z } from "zod";
import { ErrorCode } from "@cim/protocol";
import { ApiError } from "./errors.js";

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

export async function parseJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw new ApiError(400, ErrorCode.BadRequest, "body must be valid JSON", { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, ErrorCode.BadRequest, describe(parsed.error));
  return parsed.data;
}

export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ApiError(400, ErrorCode.BadRequest, describe(parsed.error));
  return parsed.data;
}
