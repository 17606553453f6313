import { runCli } from './cli';
import { findRepoRoot } from './repoRoot';
import { processOutput } from './logger';
import { stopChildrenOnCrash } from './runs/children';

// Node 20 is the runtime this project pins; the AWS SDK's notice about
// future releases is for the maintainers, not for every `arcade` run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

stopChildrenOnCrash(error => {
  const text =
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  processOutput.error(`arcade: internal error: ${text}`);
});

/** Entry point of the bundle; `null` means a server keeps the process alive. */
void runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  output: processOutput,
  selfCommand: [process.execPath, process.argv[1] ?? ''],
  repoRoot: findRepoRoot()
}).then(code => {
  if (code !== null) {
    process.exitCode = code;
  }
});
