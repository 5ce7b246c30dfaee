// Authenticated requests to one BioTime server: adds the Authorization header, and on a 401 (token expired early,
// revoked, or replaced by another login of the same user) logs in once more and repeats that request once. A 401
// means the request was not processed, so repeating it is safe even for writes.
import { BioTimeError } from '../core/errors';
import type { HttpClient, HttpRequest, HttpResponse } from '../core/http';
import type { Logger } from '../core/ports';
import { describeRequest, expectJson, transportError } from './answers';
import type { BioTimeAuth } from './auth';

export type ApiRequest = Omit<HttpRequest, 'headers'>;

export class BioTimeApi {
  constructor(
    /** "BioTime hq", for messages. */
    readonly server: string,
    private readonly http: HttpClient,
    readonly auth: BioTimeAuth,
    private readonly logger: Logger,
  ) {}

  get origin(): string {
    return this.http.origin;
  }

  /** Sends with authentication; returns any HTTP answer except a repeated 401. */
  async send(req: ApiRequest): Promise<HttpResponse> {
    const what = describeRequest(req.method, req.url);
    let auth = await this.auth.authorization(req.signal);
    let res = await this.raw(req, auth.header);
    if (res.status !== 401) return res;
    this.logger.info(`${this.server}: token refused (HTTP 401) on ${what}; logging in again`);
    auth = await this.auth.afterUnauthorized(auth.token, req.signal);
    res = await this.raw(req, auth.header);
    if (res.status !== 401) return res;
    throw new BioTimeError(
      'auth',
      `${this.server} refused a freshly issued token for ${what} (HTTP 401).`,
      this.auth.scheme === 'jwt'
        ? 'Some BioTime installs issue JWTs they then reject: set "authScheme": "token" for this device and try again.'
        : 'Check that the BioTime user may use the API (a superuser works).',
      { status: 401 },
    );
  }

  /** Sends and requires a 2xx JSON answer. */
  async json(req: ApiRequest): Promise<unknown> {
    const res = await this.send(req);
    return expectJson(res, this.server, describeRequest(req.method, req.url));
  }

  private async raw(req: ApiRequest, authorization: string): Promise<HttpResponse> {
    try {
      return await this.http.request({ ...req, headers: { Authorization: authorization } });
    } catch (e) {
      throw transportError(e, this.http.origin);
    }
  }
}
