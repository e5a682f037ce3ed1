import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_ROUTES } from '../../src/api/api-handler.js';
import { OPENAPI_DOCUMENT } from '../../src/api/openapi.js';

type Operations = Record<string, { requestBody?: unknown; responses?: Record<string, unknown> } | unknown>;

test('every route is in the OpenAPI document and the document names no route that does not exist', () => {
  const paths = OPENAPI_DOCUMENT.paths as Record<string, Operations>;
  const routes = new Set(API_ROUTES.map((route) => `${route.method} ${route.path}`));
  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    assert.ok(paths[path]?.[method.toLowerCase()], `${route} is documented`);
  }
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations).filter((key) => key !== 'parameters')) {
      assert.ok(routes.has(`${method.toUpperCase()} ${path}`), `${method.toUpperCase()} ${path} is documented but has no route`);
    }
  }
});

test('the node and profile changes document their JSON bodies and the 422 of a bad one', () => {
  const paths = OPENAPI_DOCUMENT.paths as unknown as Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
  for (const [path, method] of [['/nodes', 'post'], ['/nodes/{nodeset}', 'patch'], ['/profiles', 'post'], ['/profiles/{name}', 'patch']] as const) {
    const operation = paths[path]?.[method];
    assert.ok(operation?.requestBody, `${method} ${path} has a body schema`);
    assert.ok(operation?.responses['422'] && operation.responses['403'], `${method} ${path} documents 403 and 422`);
  }
  const schemas = OPENAPI_DOCUMENT.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
  for (const name of ['NodePatch', 'CreateNodes', 'EffectiveNode', 'Profile', 'NodeRow']) assert.ok(schemas[name]?.properties, `${name} schema`);
  // Every $ref points at a defined schema or response.
  const text = JSON.stringify(OPENAPI_DOCUMENT);
  for (const [, kind, name] of text.matchAll(/"#\/components\/(schemas|responses)\/([A-Za-z]+)"/g)) {
    const defined = (OPENAPI_DOCUMENT.components as unknown as Record<string, Record<string, unknown>>)[kind as string];
    assert.ok(defined?.[name as string], `#/components/${kind}/${name} is defined`);
  }
});
