// Files imported `with { type: 'file' }` resolve to a path (embedded in the compiled binary).
declare module '*.svg' {
  const path: string;
  export default path;
}
declare module '*.png' {
  const path: string;
  export default path;
}
declare module '*.css' {
  const path: string;
  export default path;
}
declare module 'htmx.org/dist/htmx.min.js' {
  const path: string;
  export default path;
}
declare module '*/static/build/room.js' {
  const path: string;
  export default path;
}
declare module '*/static/build/replay-player.js' {
  const path: string;
  export default path;
}
declare module '*.wasm' {
  const path: string;
  export default path;
}
declare module '*/static/build/notifications.js' {
  const path: string;
  export default path;
}
declare module '*/static/build/sw.js' {
  const path: string;
  export default path;
}
declare module '*/static/build/share-button.js' {
  const path: string;
  export default path;
}
