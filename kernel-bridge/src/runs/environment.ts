import { awsCredentialsFrom } from '../awsCredentials';
import type { Env, Settings } from '../config';

/**
 * What a run's JVM needs from the bridge's environment. Everything else (the
 * dev token, JupyterHub's API token, git credentials, whatever else the
 * bridge was started with) stays out: Arc resolves `${NAME}` from the
 * environment, so a notebook could otherwise read any of it.
 */
const PASSED_VARIABLES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'JAVA_HOME',
  'HADOOP_USER_NAME',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CA_BUNDLE',
  'AWS_STS_REGIONAL_ENDPOINTS',
  // Web identity (IRSA): a token file path and a role, which Arc's providers refresh themselves.
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME'
]);

/** Locale settings, and Arc's convention for a job's own variables. */
const PASSED_PREFIXES = ['LC_', 'ETL_CONF_'];

const ENV_CREDENTIALS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN'
] as const;

/**
 * AWS credentials for the JVM, in its environment only: those of the
 * bridge's environment, or those it reads from a profile (the dev stack's),
 * resolved here since Spark's AWS SDK reads other files than ours. Web
 * identity is left to Arc's own providers. Null: none to pass.
 */
export async function credentialsEnvironment(
  settings: Pick<Settings, 'awsCredentialSource'>,
  env: Env
): Promise<Record<string, string> | null> {
  switch (settings.awsCredentialSource) {
    case 'environment': {
      const credentials: Record<string, string> = {};
      for (const name of ENV_CREDENTIALS) {
        const value = env[name];
        if (value !== undefined && value !== '') {
          credentials[name] = value;
        }
      }
      return credentials;
    }
    case 'profile': {
      try {
        const credentials = await awsCredentialsFrom(env)();
        return {
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          ...(credentials.sessionToken === undefined
            ? {}
            : { AWS_SESSION_TOKEN: credentials.sessionToken })
        };
      } catch {
        // A run that reads no S3 needs none; s3a reports the rest itself.
        return null;
      }
    }
    case 'web-identity':
    case 'none':
      return null;
  }
}

/** The environment of a run's JVM: the allowlisted part of `env`, then the credentials. */
export function runEnvironment(
  env: Env,
  credentials: Record<string, string> | null
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (
      value !== undefined &&
      (PASSED_VARIABLES.has(name) ||
        PASSED_PREFIXES.some(prefix => name.startsWith(prefix)))
    ) {
      result[name] = value;
    }
  }
  return { ...result, ...credentials };
}
