// Bundles the browser client (src/client) into static/build/, which the server embeds.
// Run by the npm scripts before start, test and build:  bun scripts/build-client.ts
import { resolve } from 'node:path';

const root = resolve(import.meta.dir, '..');
const result = await Bun.build({
  entrypoints: [resolve(root, 'src/client/room.ts'), resolve(root, 'src/client/replay-player.ts'), resolve(root, 'src/client/notifications.ts'), resolve(root, 'src/client/sw.ts'), resolve(root, 'src/client/share-button.ts'), resolve(root, 'src/client/hls-player.ts')],
  outdir: resolve(root, 'static/build'),
  target: 'browser',
  format: 'esm',
  minify: true,
  sourcemap: 'none',
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
for (const output of result.outputs) console.error(`build-client: ${output.path.replace(root + '/', '')} (${(output.size / 1024).toFixed(1)} KB)`);
