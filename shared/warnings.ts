/** A problem tied to a field of the input, shown to the marketer as `{path, message}`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export const joinPath = (...parts: Array<string | number>): string => parts.filter((p) => p !== '').join('.');
