// The generated notebook every stage benchmark measures: 500 cells of the
// kinds Arc notebooks hold (markdown, %sql, plain HOCON, %sqlvalidate, %log).

export const CELLS = 500;

function cell(source) {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source: source.split(/(?<=\n)/)
  };
}

/** `salt` makes every SQL text new, so no cached analysis is reused. */
export function generateNotebook(salt = '') {
  const cells = [];
  for (let i = 0; i < CELLS; i++) {
    switch (i % 5) {
      case 0:
        cells.push({
          cell_type: 'markdown',
          metadata: {},
          source: [`## Step ${i}`]
        });
        break;
      case 1:
        cells.push(
          cell(
            `%sql name="step ${i}" outputView=view_${i} environments=dev,test persist=false sqlParams=day=\${RUN_DATE}\nSELECT ${i} AS id,\n  '\${day}' AS day,\n  CONCAT('a', 'b') AS ab${salt}`
          )
        );
        break;
      case 2:
        cells.push(
          cell(
            `{\n  "type": "SQLTransform",\n  "name": "plain ${i}",\n  "environments": ["dev"],\n  "sql": """SELECT ${i} AS n${salt}""",\n  "outputView": "plain_${i}",\n  "description": "s3a://"\${LAKE}"/raw/${i}"\n}`
          )
        );
        break;
      case 3:
        cells.push(
          cell(
            `%sqlvalidate name="check ${i}" environments=dev\nSELECT TRUE AS valid, TO_JSON(NAMED_STRUCT('i', ${i})) AS message${salt}`
          )
        );
        break;
      default:
        cells.push(
          cell(`%log environments=dev\nSELECT '${i}' AS message${salt}`)
        );
    }
  }
  return JSON.stringify({
    cells,
    metadata: { kernelspec: { name: 'arc', display_name: 'Arc' } },
    nbformat: 4,
    nbformat_minor: 4
  });
}

export { median } from './common.mjs';
