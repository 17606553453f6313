import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { bridgePlugin } from './bridge/plugin';
import { catalogPlugin } from './catalog/plugin';
import { gitPlugin } from './git/plugin';
import { publishPlugin } from './publish/plugin';
import { runsPlugin } from './runs/plugin';
import { schedulePlugin } from './schedule/plugin';
import { stagesPlugin } from './stages/plugin';
import { statusPlugin } from './status/plugin';

export * from './tokens';
export { ArcadeRequestError, requestArcade } from './request';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  bridgePlugin,
  statusPlugin,
  runsPlugin,
  stagesPlugin,
  gitPlugin,
  publishPlugin,
  schedulePlugin,
  catalogPlugin
];

export default plugins;
