package org.clnrest.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Vert.x internals in one adapter (issue 24, item 5). The packages of src/main depend one way: no package reaches, through others, back to itself. A reference is an
 * import or a qualified name in code (comments aside): {@code http} may use {@code http.format}, never the reverse.
 */
class PackageDependenciesTest {
    static final Path MAIN = Path.of("src", "main", "java");
    static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    static final Pattern REFERENCE = Pattern.compile("\\b(org\\.clnrest(?:\\.[a-z]\\w*)*)\\.[A-Z]");
    static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** package → the packages it references → one file that does, for the message. */
    static Map<String, Map<String, String>> graph() throws IOException {
        Map<String, Map<String, String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = COMMENT.matcher(Files.readString(f)).replaceAll("");
                Matcher pkg = PACKAGE.matcher(code);
                assertTrue(pkg.find(), "no package in " + f);
                Map<String, String> out = g.computeIfAbsent(pkg.group(1), k -> new TreeMap<>());
                Matcher ref = REFERENCE.matcher(code);
                while (ref.find()) {
                    if (!ref.group(1).equals(pkg.group(1))) {
                        out.putIfAbsent(ref.group(1), MAIN.relativize(f).toString());
                    }
                }
            }
        }
        return g;
    }

    /** Every cycle's first edge back, as "a -> b -> ... -> a". */
    static List<String> cycles(Map<String, Map<String, String>> g) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : g.keySet()) {
            walk(g, start, new ArrayList<>(), done, found);
        }
        return found;
    }

    private static void walk(Map<String, Map<String, String>> g, String at, List<String> path, Set<String> done, List<String> found) {
        int seen = path.indexOf(at);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(at);
            StringBuilder s = new StringBuilder(String.join(" -> ", cycle)).append(" (");
            for (int i = 0; i + 1 < cycle.size(); i++) {
                s.append(i > 0 ? ", " : "").append(g.get(cycle.get(i)).get(cycle.get(i + 1)));
            }
            found.add(s.append(')').toString());
            return;
        }
        if (done.contains(at)) {
            return;
        }
        path.add(at);
        for (String next : g.getOrDefault(at, Map.of()).keySet()) {
            walk(g, next, path, done, found);
        }
        path.remove(path.size() - 1);
        done.add(at);
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws Exception {
        assertEquals(List.of(), cycles(graph()));
    }

    /** Vert.x's internal API (it changes between releases without notice) is used in one adapter only. */
    static final Pattern VERTX_INTERNAL = Pattern.compile("\\bio\\.vertx\\.[\\w.]*\\b(internal|impl)\\.");

    @Test
    void onlyTheAdapterUsesVertxInternals() throws Exception {
        Path adapter = MAIN.resolve(Path.of("org", "clnrest", "util", "VertxInternals.java"));
        List<String> users = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.equals(adapter)).toList()) {
                if (VERTX_INTERNAL.matcher(COMMENT.matcher(Files.readString(f)).replaceAll("")).find()) {
                    users.add(MAIN.relativize(f).toString());
                }
            }
        }
        assertEquals(List.of(), users, "use util.VertxInternals");
        assertTrue(VERTX_INTERNAL.matcher(Files.readString(adapter)).find(), "the adapter is where they are");
    }

    @Test
    void aCycleIsFound() {
        Map<String, Map<String, String>> g = new TreeMap<>(Map.of("a", Map.of("b", "A.java"), "b", Map.of("c", "B.java"), "c", Map.of("a", "C.java")));
        assertEquals(List.of("a -> b -> c -> a (A.java, B.java, C.java)"), cycles(g));
    }
}
