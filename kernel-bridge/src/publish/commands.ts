import type { PublishResponse } from 'arcade-engine';
import { Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../cli';
import { loadSettings } from '../config';
import { findRepository } from '../git/commands';
import { GitService } from '../git/service';
import { PublishService } from './service';

async function servicesFor(
  ctx: CliContext,
  repo: string | undefined
): Promise<PublishService> {
  const root = await findRepository(path.resolve(ctx.cwd, repo ?? '.'));
  const settings = loadSettings(ctx.env, root);
  return new PublishService({
    settings: { ...settings, workspace: root },
    env: ctx.env,
    git: new GitService(root, ctx.env)
  });
}

function publishJson(result: PublishResponse): Record<string, unknown> {
  return {
    version: result.version,
    commit: result.commit,
    uploadedFiles: result.uploadedFiles,
    uploadedBytes: result.uploadedBytes,
    skippedFiles: result.skippedFiles,
    current: result.current,
    location: result.location,
    published: result.published,
    lint: result.lint
  };
}

interface PublishFlags {
  repo?: string;
  ref?: string;
  dryRun?: boolean;
  json?: boolean;
  push?: boolean;
}

/** `arcade publish`, `arcade versions`, `arcade rollback`: publishing for CI/CD. */
export function publishCommands(ctx: CliContext): Command[] {
  const publish = new Command('publish')
    .description(
      'upload the committed ETL assets of a commit to S3 as an immutable version and make it current'
    )
    .option(
      '--repo <dir>',
      'the repository (default: the one around the current folder)'
    )
    .option(
      '--ref <ref>',
      'commit or branch to publish (default: HEAD, which must have no uncommitted asset changes)'
    )
    .option(
      '--push',
      'push the branch first when the commit is not on the remote'
    )
    .option('--dry-run', 'check and list what would be published; send nothing')
    .option('--json', 'print the result as JSON')
    .action(async (flags: PublishFlags) => {
      const service = await servicesFor(ctx, flags.repo);
      let lastPhase = '';
      const result = await service.publish(
        {
          ref: flags.ref,
          dryRun: flags.dryRun === true,
          push: flags.push === true
        },
        {
          progress: update => {
            if (
              flags.json !== true &&
              update.phase !== undefined &&
              update.phase !== lastPhase
            ) {
              lastPhase = update.phase;
              ctx.output.error(`${update.phase}…`);
            }
          }
        }
      );
      if (flags.json === true) {
        ctx.output.line(JSON.stringify(publishJson(result), null, 2));
        return;
      }
      if (!result.published) {
        ctx.output.line(
          `Would publish ${result.files.length} files of ${result.commit.slice(0, 7)} to ${result.location}`
        );
        result.files.forEach(file => {
          ctx.output.line(`  ${file.path} (${file.size} bytes)`);
        });
        return;
      }
      ctx.output.line(
        `Published ${result.commit.slice(0, 7)} to ${result.location}: ${result.uploadedFiles} files (${result.uploadedBytes} bytes) sent, ${result.skippedFiles} already there; it is current`
      );
    });

  const versions = new Command('versions')
    .description('list the complete published versions, newest first')
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(async (flags: { repo?: string; json?: boolean }) => {
      const list = await (await servicesFor(ctx, flags.repo)).versions('.');
      if (flags.json === true) {
        ctx.output.line(JSON.stringify(list.versions, null, 2));
        return;
      }
      if (list.versions.length === 0) {
        ctx.output.line(`No published versions at ${list.location}`);
      }
      for (const v of list.versions) {
        ctx.output.line(
          `${v.current ? '*' : ' '} ${v.version.slice(0, 12)}  ${v.publishedAt}  ${v.author}  ${v.message.split('\n')[0] ?? ''}  (lint: ${v.lint.errors} errors, ${v.lint.warnings} warnings)`
        );
      }
    });

  const rollback = new Command('rollback')
    .description('make another complete version current (roll back or forward)')
    .argument('<version>', 'the version (full commit SHA)')
    .option('--repo <dir>', 'the repository')
    .option('--json', 'print JSON')
    .action(
      async (version: string, flags: { repo?: string; json?: boolean }) => {
        const result = await (
          await servicesFor(ctx, flags.repo)
        ).setCurrent('.', version);
        ctx.output.line(
          flags.json === true
            ? JSON.stringify(result, null, 2)
            : `current is now ${result.current.slice(0, 12)} (was ${result.previous?.slice(0, 12) ?? 'none'})`
        );
      }
    );

  return [publish, versions, rollback];
}
