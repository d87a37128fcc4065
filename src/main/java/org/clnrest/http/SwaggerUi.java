package org.clnrest.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Swagger UI from its webjar on the classpath (no CDN: a node's browser may be offline or strict). With
 * {@code clnrest-swagger-root=/} the UI is at {@code /swagger-ui/} and {@code /} redirects there, as
 * upstream; with another root it is served at that root.
 */
final class SwaggerUi {
    static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/5.34.1";

    private SwaggerUi() {}

    /** The path the UI lives at (no trailing slash). */
    static String uiPath(String swaggerRoot) {
        String root = swaggerRoot.endsWith("/") ? swaggerRoot.substring(0, swaggerRoot.length() - 1) : swaggerRoot;
        return root.isEmpty() ? "/swagger-ui" : root;
    }

    static void mount(Router router, String swaggerRoot) {
        String ui = uiPath(swaggerRoot);
        if (swaggerRoot.equals("/")) {
            router.get("/").handler(ctx -> redirect(ctx, "/swagger-ui"));
        }
        // Relative asset links in index.html need the trailing slash.
        router.get(ui).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                ctx.next(); // Vert.x matches "/x" for "/x/" too: only the bare path redirects
            } else {
                redirect(ctx, ui + "/");
            }
        });
        router.get(ui + "/swagger-initializer.js").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/javascript; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(initializer()));
        router.route(HttpMethod.GET, ui + "/*").handler(StaticHandler.create(WEBJAR)
                .setCachingEnabled(true).setMaxAgeSeconds(86400).setDirectoryListing(false).setIndexPage("index.html"));
    }

    private static void redirect(io.vertx.ext.web.RoutingContext ctx, String to) {
        ctx.response().setStatusCode(302).putHeader("Location", to).end();
    }

    private static String initializer() {
        return """
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "/openapi.json",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    persistAuthorization: true,
                    tryItOutEnabled: false,
                    docExpansion: "none",
                    defaultModelsExpandDepth: -1,
                    filter: true,
                    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                    layout: "StandaloneLayout",
                    validatorUrl: null
                  });
                };
                """;
    }
}
