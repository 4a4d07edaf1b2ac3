// The API's own description: the OpenAPI document and its reference page, open to anyone.
import { Hono } from "hono";
import { apiDocsPage } from "../api-docs-page.js";
import { openApiDocument } from "../api-document.js";

export function docsRoutes() {
  const app = new Hono();
  // Built once: the routes do not change while the process runs.
  const document = openApiDocument();
  const page = apiDocsPage(document);

  app.get("/openapi.json", (c) => c.json(document));
  app.get("/docs", (c) => c.html(page));

  return app;
}
