package org.clnrest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain HTTP/1.1 client over a TCP socket, for unit tests of a server where the bytes matter: the test writes
 * the request as it wants it (a declared length, chunks, {@code Expect: 100-continue}, a body cut short) and
 * reads each answer, then whether the server closed the connection.
 */
public final class RawHttp implements AutoCloseable {
    public record Answer(int status, Map<String, String> headers, String body) {}

    private final Socket socket;
    private final InputStream in;

    /** Plain TCP to 127.0.0.1:{@code port}, answers awaited 30 s at most. */
    public RawHttp(int port) throws IOException {
        this(connect(port));
    }

    /** Over a socket already connected (a TLS one too), with its own read timeout; {@link #close} closes it. */
    public RawHttp(Socket connected) throws IOException {
        socket = connected;
        in = socket.getInputStream();
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    public RawHttp write(String ascii) throws IOException {
        socket.getOutputStream().write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** One answer: status line, headers (names in lower case), then a body of Content-Length bytes (or none). */
    public Answer read() throws IOException {
        String[] head = readUntilBlankLine().split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server ends the connection (EOF or reset) within the read timeout, reading what it still says. */
    public boolean closedByServer() throws IOException {
        return closedByServer(socket);
    }

    /** The same for any socket (a TLS one too): true on EOF or reset before {@code s}'s read timeout. */
    public static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain whatever the server says before it closes
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** True when the connection is open now: nothing to read, no end of stream (a moment's look, not a wait). */
    public boolean openNow() throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout(1);
        try {
            return in.read() >= 0; // a byte the server sent: open too
        } catch (SocketTimeoutException nothingYet) {
            return true;
        } catch (IOException reset) {
            return false;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /**
     * Everything the server sends on {@code s} until it closes the connection; an answer cut by a reset shows as
     * what arrived before it. A read timeout ends the reading too: {@link Ending#closed} tells which.
     */
    public static Ending readToEnd(Socket s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean closed = true;
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (IOException reset) {
            // what arrived before the reset is what the client got
        }
        return new Ending(out.toString(StandardCharsets.ISO_8859_1), closed);
    }

    /** What {@link #readToEnd} read, and whether the server closed the connection (else the read timed out). */
    public record Ending(String text, boolean closed) {
        /** The text, asserting the server closed the connection. */
        public String closedText() {
            if (!closed) {
                throw new AssertionError("the server kept the connection open: " + text);
            }
            return text;
        }
    }

    private String readUntilBlankLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed by the server after: " + b.toString(StandardCharsets.ISO_8859_1));
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
