// Request parsing from the route definitions (createRoute): the schemas that validate are the ones the OpenAPI document shows.
import type { Context } from "hono";
import type { RouteConfig } from "@hono/zod-openapi";
import type { z } from "zod";
import { ErrorCode } from "@cim/protocol";
import { ApiError } from "./errors.js";

type BodySchema<R> = R extends { request: { body: { content: { "application/json": { schema: infer S extends z.ZodType } } } } } ? S : never;
type QuerySchema<R> = R extends { request: { query: infer S extends z.ZodType } } ? S : never;

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

function zodSchema(schema: unknown, what: string): z.ZodType {
  if (typeof schema !== "object" || schema === null || !("safeParse" in schema)) throw new Error(`${what} has no zod schema`);
  return schema as z.ZodType;
}

function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, ErrorCode.BadRequest, describe(parsed.error));
  return parsed.data;
}

/**
 * The JSON body of `route`'s request, parsed by its schema. Only `application/json` is read (a cross-site form or
 * `text/plain` post gets 415 before its body is touched); a body the route marks `required: false` may be empty
 * (with or without the JSON type) and then stands for `{}`.
 */
export async function bodyOf<R extends RouteConfig>(c: Context, route: R): Promise<z.output<BodySchema<R>>> {
  const spec = route.request?.body;
  const media = spec?.content["application/json"];
  const schema = zodSchema(media && "schema" in media ? media.schema : undefined, `${route.method} ${route.path} body`);
  const optional = spec?.required === false;
  const contentType = c.req.header("content-type");
  let body: unknown = {};
  if (!isJson(contentType)) {
    const empty = contentType === undefined && (c.req.header("content-length") ?? "0") === "0" && c.req.header("transfer-encoding") === undefined;
    if (!(optional && empty)) throw new ApiError(415, ErrorCode.UnsupportedMediaType, "the body must be JSON (Content-Type: application/json)");
  } else {
    const text = await c.req.text();
    if (!(optional && text.trim() === "")) {
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        throw new ApiError(400, ErrorCode.BadRequest, "body must be valid JSON", { cause: error });
      }
    }
  }
  return check(schema as BodySchema<R>, body);
}

/** The query of `route`'s request, parsed by its schema. */
export function queryOf<R extends RouteConfig>(c: Context, route: R): z.output<QuerySchema<R>> {
  return check(zodSchema(route.request?.query, `${route.method} ${route.path} query`) as QuerySchema<R>, c.req.query());
}
