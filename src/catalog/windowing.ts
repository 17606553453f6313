/**
 * The one piece of arithmetic behind Arcade's windowed lists (the Data
 * sidebar, the preview grid): which rows of a list of equal-height rows are
 * in view, with some overscan so a fast scroll shows no gap.
 */
export function rowsInView(
  scrollTop: number,
  viewHeight: number,
  rowHeight: number,
  count: number,
  overscan: number
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(
    count,
    Math.ceil((scrollTop + viewHeight) / rowHeight) + overscan
  );
  return { first, last: Math.max(first, last) };
}
