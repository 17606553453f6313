/** Credentials written into the notebook (code inline-secret). */
import type { CompiledStageInfo, JsonObject } from '../types';
import { fieldAt, type Linter } from './linter';

const SECRET_KEYS = new Set([
  'secretAccessKey',
  'accessKeyID',
  'accountKey',
  'signature',
  'clientSecret',
  'password',
  'token'
]);

export function checkSecrets(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  const auth = json.authentication;
  if (typeof auth === 'object' && auth !== null && !Array.isArray(auth)) {
    for (const [key, value] of Object.entries(auth)) {
      if (SECRET_KEYS.has(key) && typeof value === 'string') {
        linter.add(
          fieldAt(stage, `authentication.${key}`),
          'error',
          'inline-secret',
          `authentication.${key} is written into the notebook: Arc refuses inline credentials, and the value would land in git and in Arc's logs. Use "method": "AmazonIAM" (or the environment's credentials) or a \${VARIABLE} substitution.`
        );
      }
    }
  }
  if (typeof json.password === 'string') {
    linter.add(
      fieldAt(stage, 'password'),
      'error',
      'inline-secret',
      "the password is written into the notebook: Arc refuses inline credentials, and it would land in git and in Arc's logs. Use a ${VARIABLE} substitution set at run time."
    );
  }
  const url = json.jdbcURL;
  if (
    typeof url === 'string' &&
    (/[?;&:]password=[^;&${}]/i.test(url) || /\/\/[^/@:]+:[^/@]+@/.test(url))
  ) {
    linter.add(
      fieldAt(stage, 'jdbcURL'),
      'error',
      'inline-secret',
      'jdbcURL carries a password: Arc refuses inline credentials, and the URL would land in git and in Arc\'s logs. Move the password into a ${VARIABLE} substitution or the "password" key set from the environment.'
    );
  }
}
