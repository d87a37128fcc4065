package org.clnrest.http;

/**
 * Where each handler sits in the router, in the order a request meets them; the routes of the contract
 * (POST /v1/{rpc_method}, GET /v1/list-methods) and the static ones (contract, Swagger UI) follow at order 0
 * and up. Lower runs first.
 */
public final class RouteOrder {
    private RouteOrder() {}

    /** Every request: counted by the connection guard, and rerouted to its canonical path before any decision. */
    public static final int CANONICAL = -100;
    /** Security headers and CORS on every answer (and preflights answered). */
    public static final int SECURITY = -90;
    /** Socket.IO: ahead of the body reader (a WebSocket upgrade must find the request unread). */
    public static final int NOTIFICATIONS = -80;
    /** Request bodies, within the per-request limit and the global budget. */
    public static final int BODY = -70;
    /** Paths plugins registered: matched before every route of the contract, as upstream. */
    public static final int DYNAMIC_PATHS = -60;
}
