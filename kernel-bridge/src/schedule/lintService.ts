/**
 * The lint of manifests with the project around it: Argo's schema and
 * validator from the pinned module, the project's environments, and the
 * notebooks of the working tree for "an environment the notebook uses".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from 'arcade-engine';
import type { ScheduleDiagnostic } from 'arcade-engine';
import type { Env, Settings } from '../config';
import { argoTools, requireFile } from './argoTools';
import { lintManifests, type LintInput } from './lint';
import { runArgoValidate } from './lint/argoValidate';
import { ArgoSchema } from './lint/schema';

const schemas = new Map<string, ArgoSchema>();

/** Compiling Argo's schema takes about a second: once per file per process. */
export function argoSchema(file: string): ArgoSchema {
  let schema = schemas.get(file);
  if (schema === undefined) {
    schema = ArgoSchema.load(requireFile(file, "Argo's JSON schema"));
    schemas.set(file, schema);
  }
  return schema;
}

/** The environments a notebook of the workspace has stages for; null if unreadable. */
export function notebookEnvironmentsIn(
  workspace: string
): (notebook: string) => string[] | null {
  return notebook => {
    const file = path.resolve(workspace, notebook);
    if (!file.startsWith(workspace + path.sep)) {
      return null;
    }
    try {
      const compiled = compileNotebook(readFileSync(file, 'utf8'), {
        file: notebook
      });
      return [
        ...new Set(compiled.stages.flatMap(stage => stage.environments ?? []))
      ];
    } catch {
      return null;
    }
  };
}

export interface ManifestLintOptions {
  env: Env;
  repoRoot: string | null;
  settings: Pick<Settings, 'environments' | 'workspace'>;
  /** Another JSON schema than the pinned module's (e.g. a newer Argo's). */
  schemaFile?: string;
  /** Skip Argo's validator (it is required unless this is set). */
  withoutArgo?: boolean;
}

export async function lintManifestFiles(
  inputs: LintInput[],
  options: ManifestLintOptions
): Promise<ScheduleDiagnostic[]> {
  const tools = argoTools(options.env, options.repoRoot);
  const schema = argoSchema(options.schemaFile ?? tools.schema);
  const validator =
    options.withoutArgo === true
      ? null
      : requireFile(tools.validator, "Argo's validator");
  return lintManifests(inputs, {
    schema,
    argoValidate:
      validator === null ? null : files => runArgoValidate(validator, files),
    environments: options.settings.environments,
    notebookEnvironments: notebookEnvironmentsIn(options.settings.workspace)
  });
}
