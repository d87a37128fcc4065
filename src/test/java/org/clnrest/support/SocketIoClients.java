package org.clnrest.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real Socket.IO clients a user runs (the npm socket.io-client, Debian's python3-socketio), each in its own process. */
public final class SocketIoClients {
    public static final Path NODE_CLIENT = Path.of("src/test/js/client.js").toAbsolutePath();
    public static final Path PY_CLIENT = Path.of("src/test/python/client.py").toAbsolutePath();

    private SocketIoClients() {}

    /**
     * A client of {@code kind} ("node" or "python") connecting to the harness's plugin over {@code transport}
     * ("polling", "websocket" or "both") on {@code namespace}, with {@code rune} (null: none).
     */
    public static ClientProcess start(Harness h, String kind, String transport, String namespace, String rune) throws Exception {
        String url = h.protocol + "://localhost:" + h.port;
        String ca = h.protocol.equals("https") ? h.node.networkDir().resolve("ca.pem").toString() : "-"; // "-": http, no CA (node client)
        List<String> cmd = new ArrayList<>();
        if (kind.equals("node")) {
            assertTrue(Files.isDirectory(NODE_CLIENT.getParent().resolve("node_modules/socket.io-client")),
                    "run bin/test: it installs the npm client");
            cmd.addAll(List.of("node", NODE_CLIENT.toString()));
        } else {
            cmd.addAll(List.of("/usr/bin/python3", PY_CLIENT.toString()));
        }
        cmd.addAll(List.of(url, ca, rune == null ? "-" : rune, transport, namespace));
        return new ClientProcess(cmd);
    }
}
