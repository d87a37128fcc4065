package org.clnrest.tls;

import java.util.List;
import java.util.Set;

import java.util.concurrent.Executor;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

/**
 * The TLS engines of {@link ServerTls}, each connection passing its {@link ServerTls.Gate} as it is accepted. Vert.x
 * tells of a connection only once its TLS handshake is done (up to the handshake deadline later), and offers no
 * hook at the accept: but it makes each connection's {@link SslHandler} there, in the channel's initialiser on the
 * channel's event loop, from the engine options' SSL context. So the context is wrapped: each handler is admitted
 * when it is made and its handshake ends when netty completes the handler's handshake future (done, failed, timed
 * out, or the channel gone); a connection the gate refuses gets a handler that closes it as soon as it is in place.
 */
final class GatedTls {
    private GatedTls() {}

    static final class OpenSsl extends OpenSSLEngineOptions {
        private final ServerTls.Gate gate;

        OpenSsl(ServerTls.Gate gate) {
            this.gate = gate;
        }

        @Override
        public OpenSsl copy() {
            OpenSsl c = new OpenSsl(gate);
            c.setSessionCacheEnabled(isSessionCacheEnabled());
            c.setUseWorkerThread(getUseWorkerThread());
            return c;
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new Factory(super.sslContextFactory(), gate);
        }
    }

    static final class Jdk extends JdkSSLEngineOptions {
        private final ServerTls.Gate gate;

        Jdk(ServerTls.Gate gate) {
            this.gate = gate;
        }

        @Override
        public Jdk copy() {
            Jdk c = new Jdk(gate);
            c.setUseWorkerThread(getUseWorkerThread());
            return c;
        }

        @Override
        public SslContextFactory sslContextFactory() {
            return new Factory(super.sslContextFactory(), gate);
        }
    }

    /** Vert.x's factory, its context wrapped. */
    private record Factory(SslContextFactory inner, ServerTls.Gate gate) implements SslContextFactory {
        @Override
        public SslContextFactory useAlpn(boolean useAlpn) {
            inner.useAlpn(useAlpn);
            return this;
        }

        @Override
        public SslContextFactory clientAuth(ClientAuth clientAuth) {
            inner.clientAuth(clientAuth);
            return this;
        }

        @Override
        public SslContextFactory forClient(boolean forClient) {
            inner.forClient(forClient);
            return this;
        }

        @Override
        public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
            inner.keyMananagerFactory(kmf);
            return this;
        }

        @Override
        public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
            inner.trustManagerFactory(tmf);
            return this;
        }

        @Override
        public SslContextFactory enabledCipherSuites(Set<String> enabledCipherSuites) {
            inner.enabledCipherSuites(enabledCipherSuites);
            return this;
        }

        @Override
        public SslContextFactory applicationProtocols(List<String> applicationProtocols) {
            inner.applicationProtocols(applicationProtocols);
            return this;
        }

        @Override
        public SslContextFactory serverName(String serverName) {
            inner.serverName(serverName);
            return this;
        }

        @Override
        public SslContext create() throws SSLException {
            return new Counted(inner.create(), gate);
        }
    }

    private static final class Counted extends DelegatingSslContext {
        private final ServerTls.Gate gate;

        Counted(SslContext context, ServerTls.Gate gate) {
            super(context);
            this.gate = gate;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            // nothing to change on the engine itself
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
            return newHandler(alloc, null, -1, startTls, executor);
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, String host, int port, boolean startTls, Executor executor) {
            if (!gate.admit()) {
                return new Refused(newEngine(alloc, host, port), executor);
            }
            SslHandler handler = super.newHandler(alloc, host, port, startTls, executor);
            handler.handshakeFuture().addListener(f -> gate.handshakeEnded());
            return handler;
        }
    }

    /**
     * A connection over the cap: closed as soon as its handler is in place, before a byte is read or written (a server
     * handshake would wait for the client's first bytes, or the handshake deadline).
     */
    private static final class Refused extends SslHandler {
        Refused(SSLEngine engine, Executor executor) {
            super(engine, false, executor);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
