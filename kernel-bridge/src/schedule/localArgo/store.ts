/**
 * The local Argo service's objects, kept as one JSON file each under
 * `<state>/argo/<resource>/<namespace>/<name>.json` and written atomically, so
 * a restart finds every schedule and run where it was.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isRecord } from 'arcade-engine';
import { writePrivateFile } from '../../privateFile';

export type Resource = 'workflowtemplates' | 'cronworkflows' | 'workflows';

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any stored object: apiVersion, kind, metadata, spec and perhaps status. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** An object to create: the store fills name (from generateName), uid, versions and times. */
export type NewObject = Omit<StoredObject, 'metadata'> & {
  metadata: Partial<ObjectMeta>;
};

export class StoreError extends Error {
  constructor(
    readonly reason: 'not-found' | 'exists' | 'conflict' | 'invalid',
    message: string
  ) {
    super(message);
  }
}

/** Kubernetes' suffix for generateName: five of [bcdfghjklmnpqrstvwxz2456789]. */
export function nameSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)]
    .map(byte => alphabet[byte % alphabet.length] ?? 'x')
    .join('');
}

const DNS_NAME =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** One requirement of a label selector: `k=v`, `k!=v`, `k`, `!k`, `k in (a,b)`. */
type Requirement = (labels: Record<string, string>) => boolean;

export function parseLabelSelector(
  selector: string | undefined
): Requirement[] {
  if (selector === undefined || selector.trim() === '') {
    return [];
  }
  const parts = selector.match(/([^,(]+(\([^)]*\))?)/g) ?? [];
  return parts.map(raw => {
    const part = raw.trim();
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (set !== null) {
      const key = set[1] ?? '';
      const values = (set[3] ?? '').split(',').map(v => v.trim());
      return set[2] === 'in'
        ? labels => values.includes(labels[key] ?? '\u0000')
        : labels => !values.includes(labels[key] ?? '\u0000');
    }
    const unequal = /^([^!=]+)!=(.*)$/.exec(part);
    if (unequal !== null) {
      const [, key = '', value = ''] = unequal;
      return labels => labels[key.trim()] !== value.trim();
    }
    const equal = /^([^!=]+)==?(.*)$/.exec(part);
    if (equal !== null) {
      const [, key = '', value = ''] = equal;
      return labels => labels[key.trim()] === value.trim();
    }
    if (part.startsWith('!')) {
      const key = part.slice(1).trim();
      return labels => !(key in labels);
    }
    return labels => part in labels;
  });
}

export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private version = 0;

  constructor(
    private readonly dir: string,
    private readonly now: () => Date = () => new Date()
  ) {}

  private key(resource: Resource, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  private file(resource: Resource, namespace: string, name: string): string {
    return path.join(this.dir, resource, namespace, `${name}.json`);
  }

  /** Reads every stored object (at start). */
  async load(): Promise<void> {
    for (const resource of [
      'workflowtemplates',
      'cronworkflows',
      'workflows'
    ] as const) {
      const base = path.join(this.dir, resource);
      const namespaces = await readdir(base).catch(() => [] as string[]);
      for (const namespace of namespaces) {
        const names = await readdir(path.join(base, namespace)).catch(
          () => [] as string[]
        );
        for (const entry of names.filter(n => n.endsWith('.json'))) {
          const text = await readFile(
            path.join(base, namespace, entry),
            'utf8'
          );
          const parsed: unknown = JSON.parse(text);
          if (isRecord(parsed) && isRecord(parsed.metadata)) {
            const object = parsed as unknown as StoredObject;
            this.objects.set(
              this.key(resource, namespace, object.metadata.name),
              object
            );
            this.version = Math.max(
              this.version,
              Number(object.metadata.resourceVersion) || 0
            );
          }
        }
      }
    }
  }

  /** Every namespace that holds an object. */
  namespaces(): string[] {
    return [
      ...new Set([...this.objects.keys()].map(key => key.split('/')[1] ?? ''))
    ];
  }

  list(
    resource: Resource,
    namespace: string,
    selector?: string
  ): StoredObject[] {
    const requirements = parseLabelSelector(selector);
    const prefix = `${resource}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, object]) => object)
      .filter(object =>
        requirements.every(matches => matches(object.metadata.labels ?? {}))
      );
  }

  get(resource: Resource, namespace: string, name: string): StoredObject {
    const found = this.objects.get(this.key(resource, namespace, name));
    if (found === undefined) {
      throw new StoreError(
        'not-found',
        `${resource.replace(/s$/, '')} "${name}" not found in namespace "${namespace}"`
      );
    }
    return found;
  }

  find(
    resource: Resource,
    namespace: string,
    name: string
  ): StoredObject | null {
    return this.objects.get(this.key(resource, namespace, name)) ?? null;
  }

  private async persist(resource: Resource, object: StoredObject) {
    this.version += 1;
    object.metadata.resourceVersion = String(this.version);
    await writePrivateFile(
      this.file(resource, object.metadata.namespace, object.metadata.name),
      JSON.stringify(object)
    );
    this.objects.set(
      this.key(resource, object.metadata.namespace, object.metadata.name),
      object
    );
  }

  async create(
    resource: Resource,
    namespace: string,
    input: NewObject
  ): Promise<StoredObject> {
    const meta = input.metadata;
    let name = meta.name ?? '';
    if (name === '' && meta.generateName !== undefined) {
      do {
        name = `${meta.generateName}${nameSuffix()}`;
      } while (this.find(resource, namespace, name) !== null);
    }
    if (!DNS_NAME.test(name) || name.length > 253) {
      throw new StoreError(
        'invalid',
        `metadata.name "${name}" is not a DNS-1123 subdomain (lower case letters, digits, "-" and ".")`
      );
    }
    if (this.find(resource, namespace, name) !== null) {
      throw new StoreError(
        'exists',
        `${resource.replace(/s$/, '')} "${name}" already exists in namespace "${namespace}"`
      );
    }
    const object: StoredObject = {
      ...input,
      metadata: {
        ...meta,
        name,
        namespace,
        uid: randomUUID(),
        resourceVersion: '0',
        creationTimestamp: this.now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z')
      }
    };
    await this.persist(resource, object);
    return object;
  }

  /** Replaces an object; a stale resourceVersion is a conflict. */
  async update(
    resource: Resource,
    object: StoredObject,
    expectVersion?: string
  ): Promise<StoredObject> {
    const current = this.get(
      resource,
      object.metadata.namespace,
      object.metadata.name
    );
    if (
      expectVersion !== undefined &&
      expectVersion !== '' &&
      expectVersion !== current.metadata.resourceVersion
    ) {
      throw new StoreError(
        'conflict',
        `the object has been modified (resourceVersion ${expectVersion} is not the latest, ${current.metadata.resourceVersion}); read it again and retry`
      );
    }
    const next: StoredObject = {
      ...object,
      metadata: {
        ...object.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp
      }
    };
    await this.persist(resource, next);
    return next;
  }

  async delete(
    resource: Resource,
    namespace: string,
    name: string
  ): Promise<void> {
    this.get(resource, namespace, name);
    await rm(this.file(resource, namespace, name), { force: true });
    this.objects.delete(this.key(resource, namespace, name));
  }
}
