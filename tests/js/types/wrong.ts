// Deliberately wrong: types.test.mjs asserts tsc rejects this file (so the check cannot pass vacuously).
import { init } from 'embedlab';

export async function wrong(): Promise<void> {
  const el = await init();
  const model = el.load('1 2\na 1 2\n');
  model.analogy('man', 'king', 42);
}
