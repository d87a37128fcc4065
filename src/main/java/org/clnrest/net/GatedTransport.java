package org.clnrest.net;

import java.net.SocketAddress;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's NIO transport, its TCP server sockets asking the {@link ConnectionGate} at each accept. Vert.x tells of a
 * connection only once it knows its protocol: after the TLS handshake (up to 5 s), or, without TLS, after its first
 * bytes (it also speaks h2c, and waits to see which) — a silent connection was never told of at all. The transport
 * is the one place that sees every accepted socket first, so the cap is kept there, before a byte is read.
 */
public final class GatedTransport implements Transport {
    private final Spi spi;

    /** {@code gates}: each guards the servers it says ({@link ConnectionGate#guard}); a server none guards is left as it is. */
    public GatedTransport(ConnectionGate... gates) {
        this.spi = new Spi(Transport.NIO.implementation(), List.of(gates));
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
        return spi;
    }

    /** NIO's own implementation for everything (the methods NIO overrides are passed on), but TCP server channels. */
    private record Spi(io.vertx.core.spi.transport.Transport nio, List<ConnectionGate> gates) implements io.vertx.core.spi.transport.Transport {
        @Override
        public boolean supportsDomainSockets() {
            return nio.supportsDomainSockets();
        }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            return nio.convert(address);
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return nio.ioHandlerFactory();
        }

        @Override
        public DatagramChannel datagramChannel() {
            return nio.datagramChannel();
        }

        @Override
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return nio.datagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return nio.channelFactory(domainSocket);
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return domainSocket ? nio.serverChannelFactory(true) : () -> new GatedServerChannel(gates);
        }
    }

    /** A server socket whose accepted connections pass the gate, in the order they were accepted. */
    static final class GatedServerChannel extends NioServerSocketChannel {
        private final List<ConnectionGate> gates;

        GatedServerChannel(List<ConnectionGate> gates) {
            this.gates = gates;
        }

        @Override
        protected int doReadMessages(List<Object> buf) throws Exception {
            int from = buf.size();
            int accepted = super.doReadMessages(buf);
            ConnectionGate gate = accepted == 0 ? null : gateOf(localAddress().getPort());
            if (gate == null) {
                return accepted;
            }
            int kept = from;
            for (int i = from; i < buf.size(); i++) {
                Channel child = (Channel) buf.get(i);
                if (gate.admit(child)) {
                    buf.set(kept++, child);
                } else {
                    child.unsafe().closeForcibly(); // not registered yet: its socket is closed, nothing else exists
                }
            }
            int refused = buf.size() - kept;
            buf.subList(kept, buf.size()).clear();
            return accepted - refused;
        }

        private ConnectionGate gateOf(int port) {
            for (ConnectionGate g : gates) {
                if (g.guards(port)) {
                    return g;
                }
            }
            return null;
        }
    }
}
