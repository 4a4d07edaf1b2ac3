// The reference page of the OpenAPI document, rendered on the server: no scripts, so the strict CSP holds.
import type { OpenApiDocument } from "./api-document.js";

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

interface Operation {
  summary?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: unknown }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

function operationHtml(method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? []).map((p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ", required" : ""})${p.description ? `: ${escape(p.description)}` : ""}</li>`);
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) => `<li><code>${escape(status)}</code> ${escape(r.description ?? "")}</li>`);
  return `<section id="${escape(`${method}-${path}`)}">
<h2><code>${method.toUpperCase()} ${escape(path)}</code>${op.security?.length ? " <small>bearer token</small>" : ""}</h2>
<p>${escape(op.summary ?? "")}</p>
${params.length ? `<h3>Parameters</h3><ul>${params.join("")}</ul>` : ""}
${body ? `<h3>JSON body${op.requestBody?.required === false ? " (optional)" : ""}</h3><pre>${escape(JSON.stringify(body, null, 2))}</pre>` : ""}
<h3>Answers</h3><ul>${responses.join("")}</ul>
</section>`;
}

/** A static HTML page listing every operation of `doc` with its parameters, body schema and answers. */
export function apiDocsPage(doc: OpenApiDocument): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) sections.push(operationHtml(method, path, op));
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ccc}pre{background:#f4f4f4;padding:.5rem;overflow:auto}small{color:#666;font-weight:normal}</style>
</head><body>
<h1>${escape(doc.info.title)} API</h1>
<p>${escape(doc.info.description ?? "")} Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
${sections.join("\n")}
</body></html>`;
}
