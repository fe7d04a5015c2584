// Reading JSON stored in text columns, forgivingly: a damaged value reads as empty, never as a crash.

/** A JSON array of strings (room topics); anything else reads as none. */
export function parseStringList(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
