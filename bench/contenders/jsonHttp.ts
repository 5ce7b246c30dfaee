// The small HTTP client of the two comparison contenders: plain fetch (undici keeps the connection alive), JSON
// in and out, one request at a time. Deliberately independent of src/core/http.ts, so the comparison measures the
// per-punch approach and not our client.
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class JsonHttp {
  constructor(
    private readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async get(path: string, query: Record<string, unknown> = {}): Promise<JsonAnswer> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) qs.set(k, typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));
    return this.send('GET', path, undefined, qs.toString());
  }

  post(path: string, data: unknown): Promise<JsonAnswer> {
    return this.send('POST', path, data);
  }

  put(path: string, data: unknown): Promise<JsonAnswer> {
    return this.send('PUT', path, data);
  }

  private async send(method: string, path: string, data?: unknown, query = ''): Promise<JsonAnswer> {
    const res = await fetch(`${this.base}${encodeURI(path)}${query ? `?${query}` : ''}`, {
      method,
      headers: {
        Accept: 'application/json',
        ...(data === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...this.headers,
      },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return { status: res.status, body };
  }
}

/** BioTime: JWT login, then the transaction list page by page (the same page size as the engine). */
export async function* biotimePages(
  url: string,
  username: string,
  password: string,
  pageSize: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const bt = new JsonHttp(url);
  const login = await bt.post('/jwt-api-token-auth/', { username, password });
  if (login.status !== 200 || typeof login.body.token !== 'string')
    throw new Error(`BioTime login failed (${login.status})`);
  bt.headers.Authorization = `JWT ${login.body.token}`;
  for (let page = 1; ; page++) {
    const r = await bt.get('/iclock/api/transactions/', { page, page_size: pageSize });
    if (r.status === 404) return;
    if (r.status !== 200 || !Array.isArray(r.body.data)) throw new Error(`BioTime page ${page} failed (${r.status})`);
    const rows = r.body.data as Record<string, unknown>[];
    if (rows.length) yield rows;
    if (!r.body.next || !rows.length) return;
  }
}
