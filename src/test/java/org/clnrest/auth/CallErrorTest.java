package org.clnrest.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;

import org.clnrest.http.ApiError;
import org.clnrest.rpc.RpcUnavailable;
import org.junit.jupiter.api.Test;

/**
 * Issue 24, item 1: one failure, one answer, whatever the transport. REST adds its status; Socket.IO's connect_error,
 * the plain WebSocket's close reason and the cluster's error reply carry exactly {@link CallError#error()}.
 */
class CallErrorTest {
    @Test
    void aRefusedRuneCarriesLightningdsOwnError() {
        JsonObject lightningd = new JsonObject().put("code", 1502).put("message", "Not permitted: method is not equal to getinfo");
        CallError e = CallError.of(new RuneCheck.AuthFailure(RuneCheck.AuthFailure.Kind.REFUSED, lightningd));
        assertEquals(lightningd, e.error());
        assertEquals(401, ApiError.of(e).status());
        assertEquals(403, ApiError.of(CallError.of(RuneCheck.missing())).status());
        assertEquals(new JsonObject().put("code", 1501).put("message", "Not authorized: Missing rune"), CallError.of(RuneCheck.missing()).error());
    }

    @Test
    void anUnreachableLightningdAndAnInternalFailureAreWordedOnce() {
        CallError gone = CallError.of(new RpcUnavailable("its RPC socket does not answer", false));
        assertEquals(new JsonObject().put("code", -32000).put("message", "lightningd is unavailable: its RPC socket does not answer"), gone.error());
        assertEquals(503, ApiError.of(gone).status());
        assertEquals(ApiError.rpcUnavailable("its RPC socket does not answer").body(), gone.error());
        CallError ours = CallError.of(new IllegalStateException("java.lang.Something went wrong"));
        assertEquals(new JsonObject().put("code", -32603).put("message", "Internal error in clnrest-vertx (see the plugin's log)"), ours.error());
        assertEquals(ApiError.internal().body(), ours.error());
        assertEquals(500, ApiError.of(ours).status());
    }
}
