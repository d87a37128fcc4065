package org.clnrest.net;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.channel.Channel;
import io.vertx.core.net.SocketAddress;

import org.clnrest.util.RateLimitedLog;

/**
 * The cap on a server's connections (the REST server's clnrest-max-connections, the cluster bus's), kept from each
 * connection's accept, before its TLS handshake or its first byte ({@link GatedTransport}): every connection holds a
 * file descriptor from then on. A new connection's hello must come within its deadline ({@link HelloDeadline}).
 * At the cap the oldest connection that has made no authorised call is closed for the newcomer (strangers compete among
 * themselves), if Vert.x has told of it ({@link #known}); if there is none, the newcomer is closed at once, before its
 * socket is registered; both with a rate-limited log line. A connection Vert.x has not told of yet (in its TLS
 * handshake, or without TLS before its first bytes) is not closed for a newcomer: it ends at its own deadline (5 s for
 * the handshake, {@link HelloDeadline} until Vert.x tells of it), so a flood of silent connections is refused at the
 * accept, the descriptors never piling up behind closes still queued on an event loop.
 * <p>
 * Connections are known by their remote address (Vert.x gives an {@code HttpConnection} no public handle on its
 * socket). Called at the accept on the acceptor's thread, and from the server's event loop: synchronized.
 */
public final class ConnectionGate {
    private static final class Entry {
        final Channel channel;
        final HelloDeadline hello;
        boolean known;
        boolean trusted;

        Entry(Channel channel, HelloDeadline hello) {
            this.channel = channel;
            this.hello = hello;
        }
    }

    /** For {@link #guard}: every TCP server of the Vert.x instance (a clustered one runs only its event bus's). */
    public static final int ANY_PORT = 0;

    /** Every connection counted, oldest first: strangers are evicted in this order. */
    private final Map<String, Entry> open = new LinkedHashMap<>();
    private volatile int port = -1;
    private int cap = Integer.MAX_VALUE;
    private long helloMs;
    private boolean firstByteIsHello;
    private RateLimitedLog atCap;

    /**
     * The server on {@code port} ({@link #ANY_PORT}: every one) is guarded: at most {@code cap} connections, each
     * closed unless its hello comes within {@code helloMs}: its first byte ({@code firstByteIsHello}), else being
     * {@link #known} (see {@link HelloDeadline}).
     */
    public synchronized void guard(int port, int cap, long helloMs, boolean firstByteIsHello, RateLimitedLog atCap) {
        this.cap = cap;
        this.helloMs = helloMs;
        this.firstByteIsHello = firstByteIsHello;
        this.atCap = atCap;
        this.port = port;
    }

    boolean guards(int localPort) {
        int p = port;
        return p == ANY_PORT || localPort == p;
    }

    /** A connection just accepted, not yet registered with an event loop: false closes it at once. */
    synchronized boolean admit(Channel child) {
        if (open.size() >= cap && !evictAStranger()) {
            atCap.log("Closed a new connection: " + cap + " connections are open, all of them authorised (clnrest-max-connections)");
            return false;
        }
        String key = key((InetSocketAddress) child.remoteAddress());
        HelloDeadline hello = new HelloDeadline(helloMs, firstByteIsHello);
        open.put(key, new Entry(child, hello));
        child.closeFuture().addListener(f -> forget(key, child));
        child.pipeline().addFirst("clnrest-hello", hello);
        return true;
    }

    private boolean evictAStranger() {
        for (Iterator<Entry> it = open.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!e.channel.isOpen()) {
                it.remove(); // closed before it was registered: its close was never told
            } else if (e.known && !e.trusted) {
                it.remove();
                e.channel.close();
                atCap.log("Closed the oldest connection that made no authorised call: " + cap + " connections are open (clnrest-max-connections)");
                return true;
            }
        }
        return false;
    }

    /**
     * Vert.x has told of the connection from {@code remote} (its handshake done, or its first bytes read): its hello
     * came. On the connection's event loop.
     */
    public synchronized void known(SocketAddress remote) {
        Entry e = open.get(key(remote));
        if (e != null) {
            e.known = true;
            e.hello.met();
        }
    }

    /** The connection from {@code remote} made an authorised call: never closed for a newcomer. */
    public synchronized void trust(SocketAddress remote) {
        Entry e = open.get(key(remote));
        if (e != null) {
            e.trusted = true;
        }
    }

    /** The connection from {@code remote} is a WebSocket now: the notification transports cap and time it. */
    public synchronized void leave(SocketAddress remote) {
        open.remove(key(remote));
    }

    /** Connections counted now. */
    public synchronized int size() {
        return open.size();
    }

    private synchronized void forget(String key, Channel channel) {
        Entry e = open.get(key);
        if (e != null && e.channel == channel) {
            open.remove(key);
        }
    }

    private static String key(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + " " + a.getPort();
    }

    private static String key(SocketAddress a) {
        return a.hostAddress() + " " + a.port();
    }
}
