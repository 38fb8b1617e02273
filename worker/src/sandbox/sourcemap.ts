/**
 * Just enough of Source Map v3 to turn a position in esbuild's output back into the
 * user's TypeScript: decode `mappings`, then find the segment covering a column.
 */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Per generated line (0-based): [generatedColumn, originalLine, originalColumn], all 0-based. */
export type DecodedMappings = Array<Array<[number, number, number]>>;

export function decodeMappings(mappings: string): DecodedMappings {
  const lines: DecodedMappings = [];
  let srcLine = 0;
  let srcCol = 0;
  let source = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Array<[number, number, number]> = [];
    let genCol = 0;
    for (const segment of lineText.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const c of segment) {
        const digit = DIGIT.get(c);
        if (digit === undefined) throw new Error(`bad source map character ${c}`);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        srcLine += fields[2] ?? 0;
        srcCol += fields[3] ?? 0;
        segments.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** Maps a 1-based generated position to a 1-based original one (unchanged when unmapped). */
export function originalPosition(map: DecodedMappings, line: number, column: number): { line: number; column: number } {
  const segments = map[line - 1];
  if (!segments || segments.length === 0) return { line, column };
  let best = segments[0]!;
  for (const segment of segments) {
    if (segment[0] <= column - 1) best = segment;
    else break;
  }
  // Inside a mapped token the offset from its start carries over to the original.
  const offset = Math.max(0, column - 1 - best[0]);
  return { line: best[1] + 1, column: best[2] + 1 + (best[0] <= column - 1 ? offset : 0) };
}
