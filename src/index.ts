import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { statusPlugin } from './status/plugin';

export * from './tokens';
export { ArcadeRequestError, requestArcade } from './request';

const plugins: JupyterFrontEndPlugin<unknown>[] = [statusPlugin];

export default plugins;
