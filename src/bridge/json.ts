/** JSON calls to the bridge with a shape check, shared by the slices' API clients. */
import { isRecord, unexpectedBody } from '../request';
import type { IArcadeBridge } from '../tokens';

/** `GET endpoint?query`; undefined query values are left out. */
export async function getJson<T>(
  bridge: IArcadeBridge,
  endpoint: string,
  query: Record<string, string | undefined>,
  check: (body: Record<string, unknown>) => boolean
): Promise<T> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      search.set(key, value);
    }
  }
  const text = search.toString();
  const body = await bridge.request(
    text === '' ? endpoint : `${endpoint}?${text}`
  );
  if (!isRecord(body) || !check(body)) {
    throw unexpectedBody(endpoint);
  }
  return body as unknown as T;
}

/** A state-changing call (POST by default) with an optional JSON body. */
export async function sendJson<T>(
  bridge: IArcadeBridge,
  endpoint: string,
  payload: unknown,
  check: (body: Record<string, unknown>) => boolean,
  method = 'POST'
): Promise<T> {
  const body = await bridge.request(endpoint, {
    method,
    body: payload === undefined ? undefined : JSON.stringify(payload),
    headers: payload === undefined ? {} : { 'Content-Type': 'application/json' }
  });
  if (!isRecord(body) || !check(body)) {
    throw unexpectedBody(endpoint);
  }
  return body as unknown as T;
}
