import WebSocket from 'ws';
import type { z } from 'zod';
export interface HttpResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
    /** The body parsed as JSON and checked against a protocol schema (replies are never cast). */
    json<T>(schema: z.ZodType<T>): T;
}
/**
 * A tiny HTTPS client that trusts exactly the test server's certificate (no global TLS
 * switches), keeps the session cookie, and sends our Origin like the console does.
 */
export declare class HttpsClient {
    readonly baseUrl: string;
    private readonly ca;
    private readonly localAddress?;
    cookie: string | undefined;
    constructor(baseUrl: string, ca: string, localAddress?: string | undefined);
    request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResponse>;
    /**
     * Opens a WebSocket to the server as the browser would (cookie + Origin unless overridden).
     * `zeroMask` masks frames with a zero key (still masked frames the server unmasks): the
     * benchmark uses it so that the copy a browser makes on the technician's own machine does not
     * take CPU from the server and agent it measures on this one.
     */
    websocket(path: string, options?: {
        origin?: string | null;
        zeroMask?: boolean;
    }): WebSocket;
}
