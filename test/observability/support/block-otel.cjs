// Preloaded with --require: makes every @opentelemetry/* package unresolvable from this project's
// own code (CommonJS require, which the runtime's lazy loader uses, and ESM import alike), as if
// it were not installed. Dependencies keep theirs: @google-cloud/pubsub itself depends on the API.
const Module = require('node:module');
const fromProject = (parent) => typeof parent === 'string' && !parent.includes('/node_modules/');
const original = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, parent, ...rest) {
  if (request.startsWith('@opentelemetry/') && fromProject(parent?.filename)) {
    const error = new Error(`Cannot find module '${request}' (blocked by block-otel.cjs)`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return original.call(this, request, parent, ...rest);
};
Module.register(
  'data:text/javascript,' +
    encodeURIComponent(
      "export async function resolve(specifier, context, next) { if (specifier.startsWith('@opentelemetry/') && context.parentURL && !context.parentURL.includes('/node_modules/')) { const error = new Error('Cannot find package ' + specifier + ' (blocked)'); error.code = 'ERR_MODULE_NOT_FOUND'; throw error; } return next(specifier, context); }",
    ),
);
