import { LabIcon } from '@jupyterlab/ui-components';

/** "Add SQL stage": a cell with SQL written in it and a plus. */
export const sqlStageIcon = new LabIcon({
  name: 'jupyterlab-arcade:sql-stage',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
    '<text class="jp-icon3" fill="#616161" x="0" y="10" font-family="sans-serif" font-size="7.5" font-weight="700">SQL</text>' +
    '<path class="jp-icon3" fill="#616161" d="M11 11h2V9h1v2h2v1h-2v2h-1v-2h-2z"/>' +
    '</svg>'
});
