// A file's facts before a frontend fills them in: one shape for every language.
import type { FileFacts, Language } from './types.js';

export function emptyFileFacts(path: string, language: Language, lineCount: number, isTestFile: boolean): FileFacts {
  return {
    path,
    language,
    lineCount,
    isTestFile,
    acquisitions: [],
    releases: [],
    owners: [],
    loopingFunctions: [],
    calls: [],
    uses: [],
    imports: [],
    parseErrors: 0,
    suppressions: [],
  };
}
