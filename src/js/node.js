// embedlab's entry point in Node (package.json "exports": the "node" condition): the same API as
// index.js, loading the Node builds of the wasm glue.
import { usePlatform } from './init.js';
import { nodePlatform } from './platform-node.js';

usePlatform(nodePlatform);

export * from './index.js';
