// A depth-proof layering rule. ESLint's no-restricted-imports matches the text of a specifier, so a relative
// pattern written for one folder depth ('../frappe/*') lets the same edge through from a deeper file
// ('../../frappe/x'). This rule resolves every relative specifier against the importing file and checks the
// folder it lands in, so an edge is refused whatever the depth (like eslint-plugin-import's no-restricted-paths,
// without its resolver).
import path from 'node:path';

/**
 * options: { root: absolute path of the repository, layers: { [layer: string]: { allow: string[], message: string,
 * noNode?: boolean } } }. A layer is a folder under src/; a file in src/<layer>/** may import src/<other>/** only if
 * <other> is the layer itself or listed in allow. Imports that leave src/ (tests, bench) are refused too.
 */
export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the dependency direction between the folders of src/' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: {
      forbidden: "src/{{from}} may not import src/{{to}} ('{{spec}}'): {{why}}",
      outside: "src/{{from}} may not import outside src/ ('{{spec}}')",
      node: "src/{{from}} may not use Node APIs ('{{spec}}'): {{why}}",
    },
  },
  create(context) {
    const { root, layers } = context.options[0];
    const srcDir = path.join(root, 'src');
    const file = path.resolve(context.filename);
    const rel = path.relative(srcDir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return {};
    const from = rel.split(path.sep)[0];
    const layer = layers[from];
    if (!layer) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.relative(srcDir, path.resolve(path.dirname(file), spec));
        if (target.startsWith('..') || path.isAbsolute(target)) {
          // The package manifest (its version for `--version`) is the one file outside src/ that src may read.
          if (path.resolve(path.dirname(file), spec) === path.join(root, 'package.json')) return;
          context.report({ node, messageId: 'outside', data: { from, spec } });
          return;
        }
        const to = target.split(path.sep)[0];
        if (to !== from && !layer.allow.includes(to)) {
          context.report({ node, messageId: 'forbidden', data: { from, to, spec, why: layer.message } });
        }
      } else if (layer.noNode && (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0]))) {
        context.report({ node, messageId: 'node', data: { from, spec, why: layer.message } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        )
          check(node, node.arguments[0].value);
      },
    };
  },
};

const NODE_BUILTINS = new Set([
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
]);

export const layersPlugin = { rules: { layers: layersRule } };
