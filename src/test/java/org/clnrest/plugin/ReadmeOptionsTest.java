package org.clnrest.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * README.md's options table against the one declaration ({@link Options}): a row per option and no other, its
 * type, its default, and every disable reason it can give (a value written as {@code <n>}, {@code <name>}...),
 * so the table cannot drift from the code.
 */
class ReadmeOptionsTest {
    static final Pattern ROW = Pattern.compile("^\\| `(clnrest-[a-z-]+)`( \\((int|bool|multi)\\))? \\| ([^|]*) \\| (.*) \\|$");

    /** option name → {type tag or "", default cell, notes cell}. */
    static Map<String, String[]> rows() throws Exception {
        Map<String, String[]> rows = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            var m = ROW.matcher(line);
            if (m.matches()) {
                String[] before = rows.put(m.group(1), new String[]{m.group(3) == null ? "" : m.group(3), m.group(4), m.group(5)});
                assertEquals(null, before, "two rows for " + m.group(1));
            }
        }
        return rows;
    }

    /** A reason's template as README writes it: the value ({@code %s}) as any {@code <word>}. */
    static Pattern written(String reason) {
        List<String> parts = new ArrayList<>();
        for (String p : reason.split("%s", -1)) {
            parts.add(Pattern.quote(p));
        }
        return Pattern.compile(String.join("<[a-z-]+>", parts));
    }

    @Test
    void everyOptionHasItsRowWithTypeDefaultAndReasons() throws Exception {
        Map<String, String[]> rows = rows();
        assertEquals(Options.ALL.stream().map(o -> o.name).sorted().toList(), List.copyOf(rows.keySet()), "one row per option");
        List<String> notes = new ArrayList<>();
        for (Option<?> o : Options.ALL) {
            String[] row = rows.get(o.name);
            String tag = o.multi ? "multi" : o.type.equals("string") ? "" : o.type;
            assertEquals(tag, row[0], o.name + ": type");
            assertFalse(row[1].isBlank(), o.name + ": default");
            if (o.dflt instanceof List<?> l) {
                l.forEach(v -> assertTrue(row[1].contains("`" + v + "`"), o.name + ": default " + v + " in " + row[1]));
            } else if (o.dflt instanceof String s && s.length() <= 40) {
                assertTrue(row[1].contains("`" + s + "`"), o.name + ": default " + s + " in " + row[1]);
            } else if (o.dflt instanceof Long || o.dflt instanceof Boolean) {
                assertEquals(String.valueOf(o.dflt), row[1].trim(), o.name + ": default");
            }
            for (String reason : o.reasons) {
                assertTrue(written(reason).matcher(row[2]).find(), o.name + ": its disable reason " + reason + " in " + row[2]);
            }
            notes.add(row[2]);
        }
        String all = String.join("\n", notes);
        for (String rule : Options.RULES) {
            assertTrue(written(rule).matcher(all).find(), "the rule " + rule + " in the table");
        }
    }
}
