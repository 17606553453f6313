import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Env } from './config';

type AwsCredentialIdentity = Awaited<
  ReturnType<ReturnType<typeof defaultProvider>>
>;
type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/**
 * AWS credentials from a given environment rather than `process.env`, so
 * the CLI, the bridge and tests all resolve them the same way: AWS_*
 * variables, else the default chain with the profile and shared files the
 * environment names (web identity on EKS included).
 */
export function awsCredentialsFrom(env: Env): AwsCredentialIdentityProvider {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (
    accessKeyId !== undefined &&
    accessKeyId !== '' &&
    secretAccessKey !== undefined
  ) {
    const identity: AwsCredentialIdentity = {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN === undefined
        ? {}
        : { sessionToken: env.AWS_SESSION_TOKEN })
    };
    return () => Promise.resolve(identity);
  }
  return defaultProvider({
    profile: env.AWS_PROFILE,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
    configFilepath: env.AWS_CONFIG_FILE
  });
}
