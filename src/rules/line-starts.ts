/**
 * 1-based line and column of offsets in a text, counted exactly as the `yaml` package's
 * LineCounter counts them (a line starts after every \n), so a position is reported the same
 * whichever parser read the file.
 */
export function linePositions(text: string): (offset: number) => { line: number; col: number } {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((starts[mid] as number) < offset) low = mid + 1;
      else high = mid;
    }
    if (starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - (starts[low - 1] as number) + 1 };
  };
}
