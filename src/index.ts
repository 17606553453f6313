import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { runsPlugin } from './runs/plugin';
import { stagesPlugin } from './stages/plugin';
import { statusPlugin } from './status/plugin';

export * from './tokens';
export { ArcadeRequestError, requestArcade } from './request';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  statusPlugin,
  runsPlugin,
  stagesPlugin
];

export default plugins;
