package org.clnrest.rpc;

/** lightningd could not be reached, or did not answer in time: the call was not (or may not have been) made. */
public final class RpcUnavailable extends RuntimeException {
    private final boolean timeout;

    public RpcUnavailable(String message, boolean timeout) {
        super(message, null, false, false);
        this.timeout = timeout;
    }

    public boolean timeout() {
        return timeout;
    }
}
