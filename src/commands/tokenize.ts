/**
 * Splits a command line into words. Double, single and typographic quotes group words
 * ("Nordwind Logistik"); chat clients turn `--` into an em or en dash, which is read back
 * as `--`.
 */
export function tokenize(text: string): string[] {
  const normalised = text
    .replace(/[\u201C\u201D\u201E\u00AB\u00BB]/g, '"')
    .replace(/[\u2018\u2019\u201A]/g, "'")
    .replace(/(^|\s)[\u2014\u2013](?=\S)/g, '$1--');

  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of normalised.matchAll(pattern)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}
