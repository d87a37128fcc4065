package org.clnrest.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every link of README.md and docs/*.md to a file of the repository or to a section resolves: the file exists, and
 * the {@code #anchor} is the GitHub slug of one of its headings. Web links are not followed.
 */
class DocLinksTest {
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    static final Pattern CODE = Pattern.compile("```.*?```|`[^`\\n]*`", Pattern.DOTALL);
    static final Pattern HEADING = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE);

    static List<Path> docs() throws IOException {
        List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    static Set<String> anchors(Path file) throws IOException {
        String text = Pattern.compile("```.*?```", Pattern.DOTALL).matcher(Files.readString(file)).replaceAll("");
        return HEADING.matcher(text).results().map(m -> slug(m.group(1).trim())).collect(Collectors.toSet());
    }

    /** The links of {@code doc} that do not resolve, as "doc: link". */
    static List<String> broken(Path doc) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(CODE.matcher(Files.readString(doc)).replaceAll(""));
        while (m.find()) {
            String link = m.group(1);
            if (link.matches("[a-z]+:.*")) {
                continue; // https:, mailto:
            }
            int hash = link.indexOf('#');
            String file = hash < 0 ? link : link.substring(0, hash);
            Path target = file.isEmpty() ? doc : doc.toAbsolutePath().getParent().resolve(file).normalize();
            boolean ok = Files.exists(target)
                    && (hash < 0 || (target.toString().endsWith(".md") && anchors(target).contains(link.substring(hash + 1))));
            if (!ok) {
                out.add(doc + ": " + link);
            }
        }
        return out;
    }

    @Test
    void everyLinkResolves() throws Exception {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            broken.addAll(broken(doc));
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void slugsAreGitHubs() {
        assertEquals("typed-contract-openapiyaml", slug("Typed contract (`openapi.yaml`)"));
        assertEquals("notifications-socketio", slug("Notifications (Socket.IO)"));
        assertEquals("set-up-a-fresh-machine-with-a-jdk-17-and-maven", slug("Set-up (a fresh machine with a JDK 17+ and Maven)"));
    }
}
