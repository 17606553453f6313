import type { GitPerson } from 'arcade-engine';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Env } from '../config';

/** `[user] name/email` from a git config file's text (the global one; isomorphic-git reads only the repository's). */
export function userFromConfigText(text: string): Partial<GitPerson> {
  const found: Partial<GitPerson> = {};
  let inUser = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inUser = /^\[\s*user\s*\]$/i.test(line);
      continue;
    }
    if (!inUser || line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const match = /^(name|email)\s*=\s*(.*)$/i.exec(line);
    if (match !== null) {
      const value = match[2]?.replace(/^"(.*)"$/, '$1').trim() ?? '';
      if (value !== '') {
        found[match[1]?.toLowerCase() as keyof GitPerson] = value;
      }
    }
  }
  return found;
}

async function globalConfig(env: Env): Promise<Partial<GitPerson>> {
  const home = env.HOME ?? homedir();
  const candidates = [
    env.GIT_CONFIG_GLOBAL,
    path.join(
      env.XDG_CONFIG_HOME ?? path.join(home, '.config'),
      'git',
      'config'
    ),
    path.join(home, '.gitconfig')
  ];
  const merged: Partial<GitPerson> = {};
  for (const file of candidates) {
    if (file === undefined || file === '') {
      continue;
    }
    try {
      Object.assign(merged, userFromConfigText(await readFile(file, 'utf8')));
    } catch {
      // No such file: the next one may have it.
    }
  }
  return merged;
}

/**
 * The commit author: the repository's git config, then the user's global
 * one, then the Jupyter(Hub) user.
 */
export async function commitAuthor(dir: string, env: Env): Promise<GitPerson> {
  const [name, email] = await Promise.all([
    git.getConfig({ fs, dir, path: 'user.name' }) as Promise<unknown>,
    git.getConfig({ fs, dir, path: 'user.email' }) as Promise<unknown>
  ]);
  const global = await globalConfig(env);
  const user = env.JUPYTERHUB_USER ?? env.USER ?? env.LOGNAME ?? 'arcade';
  return {
    name:
      typeof name === 'string' && name !== '' ? name : (global.name ?? user),
    email:
      typeof email === 'string' && email !== ''
        ? email
        : (global.email ?? `${user}@users.noreply.arcade.local`)
  };
}
