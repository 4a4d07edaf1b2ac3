// Building blocks of route definitions: the error body, JSON bodies and answers, the bearer requirement.
import { z } from "zod";

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: "Error" });

/** A JSON request body of `schema`; `required: false` lets an empty body stand for `{}`. */
export const jsonBody = <S extends z.ZodType>(schema: S, options: { required?: boolean } = {}) =>
  ({ required: options.required ?? true, content: { "application/json": { schema } } }) as const;

/** A JSON answer described in words (its fields are in CONTRACT.md). */
export const jsonAnswer = (description: string) => ({ description, content: { "application/json": { schema: z.object({}).loose() } } });

/** An error answer: `{"error":{"code","message"}}`. */
export const errorAnswer = (description: string) => ({ description, content: { "application/json": { schema: ErrorBody } } });

/**
 * The error body of a send answered 503: the clientMsgId it was stored under beside the code (CONTRACT, 2026-11-30);
 * absent when the 503 came before the send was read (the token's check, the send limit's count): nothing was stored.
 */
export const SendUnavailableBody = z.object({ error: z.object({ code: z.string(), message: z.string(), clientMsgId: z.string().optional() }) }).meta({ id: "SendUnavailable" });

/** The user token (or, for /api/admin, the admin token) as `Authorization: Bearer`. */
export const bearer = [{ bearer: [] }];

/** `:roomId` in the path, as the document names it. */
export const RoomPath = z.object({ roomId: z.string().describe("a roomId: everyone or r<n>") });
