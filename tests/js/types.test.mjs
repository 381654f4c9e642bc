// The hand-written typings (src/js/index.d.ts): a strict TypeScript consumer compiles, wrong usage
// does not, and the typings describe what index.js really exports.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as embedlab from '../../src/js/node.js';
import { rawModule } from '../../src/js/embedlab.js';
import { ONCE, ROOT } from './helpers.mjs';

const TSC = path.join(ROOT, 'node_modules/.bin/tsc');
const TYPES_DIR = path.join(ROOT, 'tests/js/types');
const FLAGS = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom'];

function tsc(args) {
  assert.ok(fs.existsSync(TSC), `${TSC} is missing; run npm install`);
  const result = spawnSync(TSC, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

test('a strict TypeScript consumer compiles against the package typings', { skip: ONCE }, () => {
  const r = tsc(['-p', path.join(TYPES_DIR, 'tsconfig.json')]);
  assert.equal(r.code, 0, `tsc reported:\n${r.output}`);
  // usage.ts imports 'embedlab' by name, so this also proves the exports map resolves the types.
  const trace = tsc([...FLAGS, '--traceResolution', path.join(TYPES_DIR, 'usage.ts')]);
  assert.match(trace.output, /Module name 'embedlab' was successfully resolved to '[^']*src\/js\/index\.d\.ts'/);
});

test('tsc rejects wrong usage (analogy with a number)', { skip: ONCE }, () => {
  const r = tsc([...FLAGS, path.join(TYPES_DIR, 'wrong.ts')]);
  assert.notEqual(r.code, 0, 'tsc must fail on wrong.ts');
  assert.match(r.output, /wrong\.ts\(7,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/);
});

// Public members declared in a class body of index.d.ts (methods and properties, not private ones).
function declaredMembers(dts, className) {
  const start = dts.indexOf(`export declare class ${className} {`);
  assert.ok(start >= 0, `index.d.ts declares class ${className}`);
  const body = dts.slice(start, dts.indexOf('\n}', start));
  const names = new Set();
  for (const line of body.split('\n').slice(1)) {
    const m = /^ {2}(?:readonly )?([a-zA-Z_]\w*)\??\s*[(:]/.exec(line);
    if (m && m[1] !== 'constructor') names.add(m[1]);
  }
  return names;
}

test('the typings and index.js export the same classes and members', async () => {
  const dts = fs.readFileSync(path.join(ROOT, 'src/js/index.d.ts'), 'utf8');
  const exported = [...dts.matchAll(/^export declare (?:class|function) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(exported.sort(), ['Embedlab', 'Model', 'init']);
  for (const name of exported) assert.equal(typeof embedlab[name], 'function', `index.js exports ${name}`);

  const el = await embedlab.init();
  const model = el.load('2 2\na 1 0\nb 0 1\n');
  try {
    for (const [className, instance] of [['Model', model], ['Embedlab', el]]) {
      const declared = declaredMembers(dts, className);
      assert.ok(declared.size >= 8, `found the members of ${className}`);
      for (const member of declared) {
        assert.ok(member in instance, `${className}.${member} is declared in index.d.ts but missing in index.js`);
      }
      // Every public method in index.js is documented in the typings.
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(instance))
        .filter((m) => m !== 'constructor' && !m.startsWith('_'));
      for (const method of methods) {
        assert.ok(declared.has(method), `${className}.${method} exists in index.js but is not declared in index.d.ts`);
      }
    }
  } finally {
    model.dispose();
  }
});

// The members of an interface of index.d.ts (with those of the interfaces it extends) and, for
// each, the string literals its type allows (through type aliases), e.g. model -> ['cbow', 'skipgram'].
function interfaceMembers(dts, name) {
  const head = new RegExp(`^export interface ${name}(?: extends ([\\w, ]+))? \\{$`, 'm').exec(dts);
  assert.ok(head, `index.d.ts declares interface ${name}`);
  const body = dts.slice(head.index, dts.indexOf('\n}', head.index));
  const members = new Map();
  for (const base of head[1]?.split(',').map((b) => b.trim()) ?? []) {
    for (const [member, literals] of interfaceMembers(dts, base)) members.set(member, literals);
  }
  for (const m of body.matchAll(/^ {2}(\w+)\?: (.+);$/gm)) {
    let type = m[2];
    const alias = /^[A-Z]\w*$/.test(type) && new RegExp(`^export type ${type} = (.+);$`, 'm').exec(dts);
    if (alias) type = alias[1];
    members.set(m[1], [...type.matchAll(/'([^']*)'/g)].map((l) => l[1]).sort());
  }
  return members;
}

test('index.d.ts declares exactly the options of the schema, with the same choices', async () => {
  const dts = fs.readFileSync(path.join(ROOT, 'src/js/index.d.ts'), 'utf8');
  const schema = rawModule(await embedlab.init()).Library.optionSchema();
  // The options interface of each API method that takes options.
  const interfaces = {
    train: 'TrainOptions', tokenize: 'TokenizeOptions', mostSimilar: 'QueryOptions', analogy: 'AnalogyOptions',
    evaluateAnalogies: 'EvaluateOptions', evaluateSimilarity: 'SimilarityOptions', save: 'SaveOptions', load: 'LoadOptions',
    project2d: 'ProjectOptions', project: 'MapOptions',
  };
  // Declared options the schema cannot spell: project()'s axes object is its xAxis and yAxis.
  const jsOnly = { MapOptions: ['axes'] };
  const methods = new Set(schema.options.flatMap((o) => o.methods));
  assert.deepEqual([...methods].sort(), Object.keys(interfaces).sort(), 'every method with options has its interface');
  for (const [method, name] of Object.entries(interfaces)) {
    const declared = interfaceMembers(dts, name);
    const options = schema.options.filter((o) => o.methods.includes(method));
    const keys = [...declared.keys()].filter((key) => !(jsOnly[name] ?? []).includes(key));
    assert.deepEqual(keys.sort(), options.map((o) => o.js).sort(), `${name} and the schema's ${method} options`);
    for (const option of options.filter((o) => o.type === 'enum')) {
      assert.deepEqual(declared.get(option.js), [...option.choices].sort(), `${name}.${option.js} allows the schema's choices`);
    }
  }
  // save()'s format is the CLI's convert --to.
  const to = schema.options.find((o) => o.cli === 'to');
  assert.deepEqual(interfaceMembers(`${dts}\nexport interface Probe {\n  format?: SaveFormat;\n}`, 'Probe').get('format'),
    [...to.choices].sort());
});
