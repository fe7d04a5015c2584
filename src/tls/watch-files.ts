// Calls back (debounced) when any of some files changes. The folders are watched, not the files:
// certbot, cp and editors replace a file by renaming a new one over it, which a watch on the old
// file never sees. The debounce lets a certificate and its key both land before they are read.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export function watchFiles(paths: string[], onChange: () => void, debounceMs = 300): () => void {
  const byFolder = new Map<string, Set<string>>();
  for (const path of paths.map((p) => resolve(p))) {
    const names = byFolder.get(dirname(path)) ?? new Set<string>();
    names.add(basename(path));
    byFolder.set(dirname(path), names);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const [folder, names] of byFolder) {
    // A symlinked file (…/live/cert.pem → ../archive/…) changes its link, in this folder, too.
    const watcher = watch(folder, (_event, name) => {
      if (name === null || names.has(String(name))) changed();
    });
    watcher.on('error', () => {}); // a vanished folder: SIGHUP still reloads
    watchers.push(watcher);
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}
