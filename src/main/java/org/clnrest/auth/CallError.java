package org.clnrest.auth;

import io.vertx.core.json.JsonObject;

import org.clnrest.rpc.RpcUnavailable;
import org.clnrest.util.JavaNames;

/**
 * The one mapping from a failed rune check or RPC call to what a client is told, {@code {code, message}}, for every
 * transport: REST (which adds the status, {@code http.ApiError}), Socket.IO's connect_error, the plain WebSocket's
 * close frame and the cluster's reply. The words are upstream's and lightningd's: a refused rune carries
 * lightningd's own error; an unreachable lightningd is -32000 "lightningd is unavailable: ..."; anything else is
 * -32603 "Internal error in clnrest-vertx (see the plugin's log)" (the four transports used to say three things).
 */
public record CallError(Kind kind, JsonObject error) {
    public enum Kind { MISSING, REFUSED, INVALID, BUSY, UNAVAILABLE, INTERNAL }

    public static final String INTERNAL_MESSAGE = "Internal error in clnrest-vertx (see the plugin's log)";

    public static CallError of(Throwable failure) {
        if (failure instanceof RuneCheck.AuthFailure f) {
            return new CallError(switch (f.kind()) {
                case MISSING -> Kind.MISSING;
                case REFUSED -> Kind.REFUSED;
                case INVALID -> Kind.INVALID;
                case BUSY -> Kind.BUSY;
            }, f.error());
        }
        if (failure instanceof RpcUnavailable u) {
            return unavailable(u.getMessage());
        }
        return new CallError(Kind.INTERNAL, error(-32603, INTERNAL_MESSAGE));
    }

    public static CallError unavailable(String why) {
        return new CallError(Kind.UNAVAILABLE, error(-32000, "lightningd is unavailable: " + why));
    }

    /** A refusal of the rune itself (the caller logs it through its refusal log), not a failure of ours. */
    public boolean isRefusal() {
        return kind == Kind.MISSING || kind == Kind.REFUSED || kind == Kind.INVALID;
    }

    /** What the plugin's log may say of the failure: no Java names. */
    public static String logText(Throwable failure) {
        return JavaNames.strip(failure.getMessage());
    }

    private static JsonObject error(int code, String message) {
        return new JsonObject().put("code", code).put("message", message);
    }
}
