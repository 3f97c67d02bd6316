// Checks the replies an integration test received against docs/openapi.json.
//
//   node tests/interop/openapi_check.mjs docs/openapi.json exchanges.jsonl
//
// exchanges.jsonl holds one exchange a line, as tests/integration/support/http_client.hpp
// records them: {"method", "target", "status", "headers": {lower-case name: value},
// "body", "raw"?}. Exits 0 when every reply agrees with the document, 1 (listing each
// disagreement on stdout) when one does not, 2 when it cannot run.
//
// For each reply:
//   - its path is matched against the document's path templates (decoded segments; a
//     literal segment wins over a {parameter}), its method against the path's operations;
//   - the status must be one the operation documents (or, for a path the document lacks,
//     404; for a method the path lacks, 405 with Allow): a reply the server gives before
//     routing (400 for a bad target or framing, 413, 431) is also allowed anywhere;
//   - the Content-Type must be one of the response's media types, and the body must
//     validate against that media type's schema (JSON Schema 2020-12, formats checked);
//     a response documented without content must have no body;
//   - every header the response marks required must be present, and every documented
//     header present must match its schema.
// A webhook a test's receiver read ({"webhook": true, "headers", "body"}) must be JSON of a
// type the document lists under webhooks, valid against that type's request body, with the
// headers (webhook-id, webhook-timestamp, webhook-signature) it requires.
// Replies under /console are the console's files, not the API: they are skipped.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [specPath, exchangesPath] = process.argv.slice(2);
if (!specPath || !exchangesPath) {
  console.error("usage: openapi_check.mjs OPENAPI.json EXCHANGES.jsonl");
  process.exit(2);
}

const spec = JSON.parse(readFileSync(specPath, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// Not checked against the JSON Schema meta-schema: it is an OpenAPI document, which the lint
// test checks; that check would cost most of the time here.
ajv.addSchema(spec, "openapi.json", undefined, false);

const escape = (token) => token.replace(/~/g, "~0").replace(/\//g, "~1");
const validators = new Map();
// A validator for the schema at a JSON pointer of the document (refs inside resolve
// against the document, as they should).
function validatorAt(pointer) {
  if (!validators.has(pointer)) {
    validators.set(pointer, ajv.compile({ $ref: "openapi.json#" + pointer }));
  }
  return validators.get(pointer);
}

// Follows a local $ref; returns [object, its pointer].
function resolve(node, pointer) {
  while (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    pointer = node.$ref.slice(1);
    node = pointer
      .split("/")
      .slice(1)
      .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((n, t) => (n === undefined ? undefined : n[t]), spec);
  }
  return [node, pointer];
}

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  segments: template.split("/").slice(1),
}));

function matchPath(path) {
  let segments;
  try {
    segments = path.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return null;
  }
  let best = null;
  let bestLiterals = -1;
  for (const t of templates) {
    if (t.segments.length !== segments.length) continue;
    let literals = 0;
    const ok = t.segments.every((want, i) => {
      if (/^\{.+\}$/.test(want)) return segments[i] !== "";
      if (want === segments[i]) {
        ++literals;
        return true;
      }
      return false;
    });
    if (ok && literals > bestLiterals) {
      best = t.template;
      bestLiterals = literals;
    }
  }
  return best;
}

const componentResponse = (name) => ["#/components/responses/" + name, "/components/responses/" + name];
// Replies the server gives before a route is chosen, to any request.
const beforeRouting = {
  400: componentResponse("BadRequest"),
  413: componentResponse("PayloadTooLarge"),
  431: componentResponse("HeadersTooLarge"),
};

function responseFor(exchange) {
  const path = exchange.target.split("?")[0];
  const template = path.startsWith("/") ? matchPath(path) : null;
  const method = String(exchange.method || "").toLowerCase();
  const status = String(exchange.status);
  const fallback = (extra) => {
    const table = { ...beforeRouting, ...extra };
    const found = table[status];
    if (!found) return { error: `status ${status} is not an answer the document allows here` };
    return { response: { $ref: found[0] }, pointer: found[1] };
  };
  if (!template) return { where: `${exchange.method} ${path} (no such path)`, ...fallback({ 404: componentResponse("NotFound") }) };
  const item = spec.paths[template];
  const operation = item[method];
  if (!operation) {
    return { where: `${exchange.method} ${template} (no such method)`, ...fallback({ 405: componentResponse("MethodNotAllowed") }) };
  }
  const base = `/paths/${escape(template)}/${method}/responses`;
  const where = `${exchange.method} ${template}`;
  for (const key of [status, status[0] + "XX", "default"]) {
    if (operation.responses[key]) {
      return { where, response: operation.responses[key], pointer: `${base}/${escape(key)}` };
    }
  }
  if (beforeRouting[status]) return { where, ...fallback({}) };
  return { where, error: `status ${status} is not documented (documented: ${Object.keys(operation.responses).join(", ")})` };
}

function describeErrors(errors) {
  return (errors || [])
    .slice(0, 8)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params && e.params.allowedValues ? " " + JSON.stringify(e.params.allowedValues) : ""}`)
    .join("; ");
}

function check(exchange) {
  const found = responseFor(exchange);
  if (found.error) return [`${found.where}: ${found.error}`];
  const [response, pointer] = resolve(found.response, found.pointer);
  const problems = [];
  const headers = exchange.headers || {};
  for (const [name, declared] of Object.entries(response.headers || {})) {
    const [header, headerPointer] = resolve(declared, `${pointer}/headers/${escape(name)}`);
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required) problems.push(`header ${name} is required and missing`);
      continue;
    }
    if (header.schema && !validatorAt(headerPointer + "/schema")(value)) {
      problems.push(`header ${name}: ${describeErrors(validatorAt(headerPointer + "/schema").errors)}`);
    }
  }
  const body = exchange.body || "";
  const content = response.content || {};
  const media = String(headers["content-type"] || "").split(";")[0].trim().toLowerCase();
  if (Object.keys(content).length === 0) {
    if (body !== "") problems.push(`a body, where the document says there is none`);
  } else if (!content[media]) {
    problems.push(`Content-Type ${JSON.stringify(media)} is not documented (documented: ${Object.keys(content).join(", ")})`);
  } else if (content[media].schema) {
    const schemaPointer = `${pointer}/content/${escape(media)}/schema`;
    let value = body;
    if (media === "application/json" || media.endsWith("+json")) {
      try {
        value = JSON.parse(body);
      } catch {
        problems.push(`the body is not JSON`);
        value = undefined;
      }
    }
    if (value !== undefined) {
      const validate = validatorAt(schemaPointer);
      if (!validate(value)) problems.push(`body: ${describeErrors(validate.errors)}`);
    }
  }
  return problems.map((p) => `${found.where} → ${exchange.status}: ${p}`);
}

function checkWebhook(record) {
  const headers = record.headers || {};
  let payload;
  try {
    payload = JSON.parse(record.body);
  } catch {
    return ["webhook: the body is not JSON"];
  }
  const type = payload && payload.type;
  const where = `webhook ${type}`;
  const operation = spec.webhooks && spec.webhooks[type] && spec.webhooks[type].post;
  if (!operation) return [`${where}: not a type the document lists under webhooks`];
  const base = `/webhooks/${escape(type)}/post`;
  const problems = [];
  const media = String(headers["content-type"] || "").split(";")[0].trim().toLowerCase();
  if (!operation.requestBody.content[media]) problems.push(`Content-Type ${JSON.stringify(media)} is not documented`);
  (operation.parameters || []).forEach((declared, i) => {
    const [parameter, pointer] = resolve(declared, `${base}/parameters/${i}`);
    if (parameter.in !== "header") return;
    const value = headers[parameter.name.toLowerCase()];
    if (value === undefined) {
      if (parameter.required) problems.push(`header ${parameter.name} is required and missing`);
    } else if (!validatorAt(pointer + "/schema")(value)) {
      problems.push(`header ${parameter.name}: ${describeErrors(validatorAt(pointer + "/schema").errors)}`);
    }
  });
  const validate = validatorAt(`${base}/requestBody/content/application~1json/schema`);
  if (!validate(payload)) problems.push(`body: ${describeErrors(validate.errors)}`);
  return problems.map((p) => `${where}: ${p}`);
}

let lines;
try {
  lines = readFileSync(exchangesPath, "utf8").split("\n").filter((l) => l.trim() !== "");
} catch (e) {
  if (e.code === "ENOENT") process.exit(0); // no request was made
  throw e;
}
const failures = [];
for (const line of lines) {
  const exchange = JSON.parse(line);
  if (exchange.webhook) {
    for (const problem of checkWebhook(exchange)) {
      failures.push(`${problem}\n    body: ${(exchange.body || "").slice(0, 600)}`);
    }
    continue;
  }
  // The console's files (/console/…, docs/console.md) are a web page, not the JSON API the
  // document describes; tests/integration/console_test.cpp checks them.
  const target = String(exchange.target || "");
  if (target === "/console" || target.startsWith("/console/") || target.startsWith("/console?")) continue;
  for (const problem of check(exchange)) {
    failures.push(`${problem}\n    request: ${exchange.method} ${exchange.target}\n    body: ${(exchange.body || "").slice(0, 600)}`);
  }
}
if (failures.length > 0) {
  // Each disagreement once (with its first example): one mistake often shows many times.
  const seen = new Map();
  for (const f of failures) {
    const key = f.split("\n")[0];
    if (!seen.has(key)) seen.set(key, f);
  }
  console.log(`${failures.length} of ${lines.length} replies disagree with ${specPath}; ${seen.size} distinct:`);
  for (const f of [...seen.values()].slice(0, 30)) console.log(f);
  process.exit(1);
}
