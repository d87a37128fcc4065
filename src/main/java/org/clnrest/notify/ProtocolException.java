package org.clnrest.notify;

/**
 * A client broke the Engine.IO or Socket.IO protocol (a packet that does not decode, a packet in the wrong state).
 * The session that received it is closed, as the reference server does. Carries no stack trace: it is control
 * flow, never logged as an exception.
 */
final class ProtocolException extends Exception {
    ProtocolException(String message) {
        super(message, null, false, false);
    }
}
