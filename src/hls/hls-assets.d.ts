// The live HLS player bundle (scripts/build-client.ts), imported as a file like the other bundles (src/types.d.ts).
declare module '*/static/build/hls-player.js' {
  const path: string;
  export default path;
}
// hls.js ships types for its full build only; the light build has the same API.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
  export * from 'hls.js';
}
