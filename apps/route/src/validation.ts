// Request parsing with zod: JSON bodies only (415 otherwise), malformed JSON and invalid fields become 400s.
import type { Context } from "hono";
import type { z } from "zod";
import { ErrorCode } from "@cim/protocol";
import { ApiError } from "./errors.js";

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

/**
 * Parses a JSON body against `schema`. Only `application/json` is read (a cross-site form or `text/plain` post
 * gets 415 before its body is touched); `optional` lets an empty body (with or without the JSON type) stand for `{}`.
 */
export async function parseJson<T extends z.ZodType>(c: Context, schema: T, options: { optional?: boolean } = {}): Promise<z.infer<T>> {
  const contentType = c.req.header("content-type");
  let body: unknown = {};
  if (!isJson(contentType)) {
    const empty = contentType === undefined && (c.req.header("content-length") ?? "0") === "0" && c.req.header("transfer-encoding") === undefined;
    if (!(options.optional && empty)) throw new ApiError(415, ErrorCode.UnsupportedMediaType, "the body must be JSON (Content-Type: application/json)");
  } else {
    const text = await c.req.text();
    if (!(options.optional && text.trim() === "")) {
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        throw new ApiError(400, ErrorCode.BadRequest, "body must be valid JSON", { cause: error });
      }
    }
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
