#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline against the Kubernetes OpenAPI schemas.
//
//   kubectl kustomize k8s/overlays/lab | node k8s/validate/validate.mjs
//   node k8s/validate/validate.mjs rendered.yaml [more.yaml ...]
//
// Input: multi-document YAML (or JSON: a single object, an array of objects, or a List whose
// items are objects). Every document is mapped by apiVersion/kind to a model class of
// kubernetes-models (core and apps/policy/... groups, generated from the Kubernetes OpenAPI
// spec) or @kubernetes-models/prometheus-operator (monitoring.coreos.com), and that class's
// validate() (an ajv validator compiled from the schema) is run on it.
//
// Output: one line per document, "ok KIND NAME" or "INVALID KIND NAME: reason", then a summary
// line "validate: N documents, N valid, N invalid". Exit 0 only if every document is valid;
// 1 when any document is invalid, of an unknown apiVersion/kind, or not an object; 2 on unusable
// input (no documents, a YAML syntax error).
//
// Limit: these schemas check types, required fields, enums and formats, but, like the
// Kubernetes OpenAPI spec they are generated from, they do not reject unknown fields (a field
// misspelt as "readinesProbe" passes). The Java test (ManifestsTest) adds the strict checks for
// the fields the deployment relies on.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const CORE = "kubernetes-models";
const PROMETHEUS_OPERATOR = "@kubernetes-models/prometheus-operator";

/** apiVersion -> the module that exports its kinds. */
function moduleFor(apiVersion) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) {
    return null;
  }
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `${PROMETHEUS_OPERATOR}/${apiVersion}`;
  }
  return `${CORE}/${apiVersion}`; // "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1
}

const modules = new Map();

async function modelClass(apiVersion, kind) {
  const name = moduleFor(apiVersion);
  if (name === null) {
    return null;
  }
  if (!modules.has(name)) {
    let exported;
    try {
      exported = await import(name);
    } catch (e) {
      exported = null; // no such group/version in the models
    }
    modules.set(name, exported);
  }
  const exported = modules.get(name);
  if (!exported) {
    return null;
  }
  for (const value of Object.values(exported)) {
    if (typeof value === "function" && value.apiVersion === apiVersion && value.kind === kind
        && typeof value.prototype?.validate === "function") {
      return value;
    }
  }
  return null;
}

function describeErrors(e) {
  if (Array.isArray(e?.errors) && e.errors.length > 0) {
    return e.errors
      .map((err) => {
        const where = err.instancePath || "/";
        const params = err.params && Object.keys(err.params).length ? " " + JSON.stringify(err.params) : "";
        return `${where} ${err.message ?? err.keyword}${params}`;
      })
      .join("; ");
  }
  return String(e?.message ?? e);
}

function readInputs(argv) {
  const files = argv.slice(2);
  if (files.length === 0 || (files.length === 1 && files[0] === "-")) {
    return [{ source: "stdin", text: readFileSync(0, "utf8") }];
  }
  return files.map((f) => ({ source: f, text: readFileSync(f, "utf8") }));
}

function documentsOf({ source, text }) {
  const trimmed = text.trimStart();
  let values;
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const parsed = JSON.parse(text);
    values = Array.isArray(parsed) ? parsed : [parsed];
  } else {
    values = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new Error(`${source}: YAML error: ${doc.errors.map((e) => e.message).join("; ")}`);
      }
      const value = doc.toJS();
      if (value !== null && value !== undefined) {
        values.push(value);
      }
    }
  }
  // a List (kubectl get -o yaml, kubectl kustomize never) is its items
  const out = [];
  for (const v of values) {
    if (v && typeof v === "object" && !Array.isArray(v) && typeof v.kind === "string" && v.kind.endsWith("List")
        && Array.isArray(v.items)) {
      out.push(...v.items);
    } else {
      out.push(v);
    }
  }
  return out;
}

async function main() {
  let docs = [];
  try {
    for (const input of readInputs(process.argv)) {
      docs = docs.concat(documentsOf(input));
    }
  } catch (e) {
    console.error(`validate: unusable input: ${e.message}`);
    process.exit(2);
  }
  if (docs.length === 0) {
    console.error("validate: no documents in the input");
    process.exit(2);
  }
  let valid = 0;
  let invalid = 0;
  for (const doc of docs) {
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
      console.log(`INVALID document is not an object: ${JSON.stringify(doc)}`);
      invalid++;
      continue;
    }
    const label = `${doc.apiVersion ?? "?"} ${doc.kind ?? "?"} ${doc.metadata?.name ?? "(no name)"}`;
    const Model = await modelClass(doc.apiVersion, doc.kind);
    if (Model === null) {
      console.log(`INVALID ${label}: unknown apiVersion/kind (no schema for ${doc.apiVersion}/${doc.kind})`);
      invalid++;
      continue;
    }
    try {
      new Model(doc).validate();
      console.log(`ok ${label}`);
      valid++;
    } catch (e) {
      console.log(`INVALID ${label}: ${describeErrors(e)}`);
      invalid++;
    }
  }
  console.log(`validate: ${docs.length} documents, ${valid} valid, ${invalid} invalid`);
  process.exit(invalid === 0 ? 0 : 1);
}

await main();
