import path from 'node:path';

/** Where the dev stack keeps everything, all under one state directory. */
export interface StatePaths {
  root: string;
  s3Data: string;
  s3Credentials: string;
  awsCredentials: string;
  gitRoot: string;
  gitCredentials: string;
  workspaceRepo: string;
  logs: string;
  minioLog: string;
  gitLog: string;
  run: string;
  minioPid: string;
  gitPid: string;
  /** The local Argo service: objects, step logs, token, log and pid. */
  argoDir: string;
  argoToken: string;
  argoLog: string;
  argoPid: string;
  /** The local Athena endpoint: catalog under `athena/`, log and pid. */
  athenaDir: string;
  athenaLog: string;
  athenaPid: string;
  /** Where the demo's Arc jobs write Delta tables (ETL_CONF_LAKE). */
  lake: string;
  stackFile: string;
}

/**
 * `<state>/git-credentials`, beside (not inside) the directory the git
 * server serves; `git-serve` finds it from its `--root`.
 */
export function gitCredentialsFile(gitRoot: string): string {
  return path.join(path.dirname(path.resolve(gitRoot)), 'git-credentials');
}

export function statePaths(stateDir: string): StatePaths {
  const root = path.resolve(stateDir);
  const logs = path.join(root, 'logs');
  const run = path.join(root, 'run');
  const gitRoot = path.join(root, 'git');
  return {
    root,
    s3Data: path.join(root, 's3', 'data'),
    s3Credentials: path.join(root, 's3', 'credentials'),
    awsCredentials: path.join(root, 'aws-credentials'),
    gitRoot,
    gitCredentials: gitCredentialsFile(gitRoot),
    workspaceRepo: path.join(gitRoot, 'workspace.git'),
    logs,
    minioLog: path.join(logs, 'minio.log'),
    gitLog: path.join(logs, 'git.log'),
    run,
    minioPid: path.join(run, 'minio.pid'),
    gitPid: path.join(run, 'git.pid'),
    argoDir: path.join(root, 'argo'),
    argoToken: path.join(root, 'argo-token'),
    argoLog: path.join(logs, 'argo.log'),
    argoPid: path.join(run, 'argo.pid'),
    athenaDir: path.join(root, 'athena'),
    athenaLog: path.join(logs, 'athena.log'),
    athenaPid: path.join(run, 'athena.pid'),
    lake: path.join(root, 'lake'),
    stackFile: path.join(root, 'stack.json')
  };
}
