import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * Reads PIT's mutations.xml and prints the mutation score of each class (killed, timed out or
 * crashing mutants over all generated ones, inner classes counted with their outer class) and of
 * them all; exits 1 when a class named with a minimum is below it, or the total is below its own.
 *
 * <p>Surviving mutants listed as equivalent in the README's table (between the {@code
 * equivalent-mutants} markers: class, method, mutator, code, why) are shown apart: a class's
 * minimum is checked against killed / (generated - listed equivalents), and the raw score is
 * printed beside it.
 *
 * <p>A row names its mutant by class, method, mutator and a piece of the source line the mutant is
 * on, not by line number: an edit elsewhere in the file leaves the row true, while an edit of that
 * very line (which may change whether the mutant is equivalent) makes it stale. Each row stands for
 * one surviving mutant: where one line holds two surviving mutants of one mutator that are both
 * equivalent, two equal rows list them. When more surviving mutants fit than there are such rows,
 * the check fails (quote more of the line), so that a row never sets aside a mutant nobody looked
 * at. A row that no surviving mutant fits any more is named, so that the list is kept true; so is
 * every surviving mutant that no row lists, in every class.
 *
 * <p>{@code java scripts/MutationScores.java target/pit-reports/mutations.xml README.md 80 UrlGuard=90 ...}
 * (the sources are read from {@code src/main/java} beside the README).
 */
public class MutationScores {

    /** A README row: the mutant it names, and the surviving mutants that fit it. */
    private static final class Row {
        final String type;
        final String method;
        final String mutator;
        final String code;
        /** Equal rows: how many mutants they stand for. */
        int listed = 1;

        /** The surviving mutants that fit the row. */
        final List<String> matched = new ArrayList<>();

        boolean fits(String type, String method, String mutator, String line) {
            return this.type.equals(type)
                    && this.method.equals(method)
                    && this.mutator.equals(mutator)
                    && !code.isEmpty()
                    && line.contains(code);
        }

        Row(String type, String method, String mutator, String code) {
            this.type = type;
            this.method = method;
            this.mutator = mutator;
            this.code = code;
        }

        @Override
        public String toString() {
            return type + " " + method + " " + mutator + " `" + code + "`";
        }
    }

    /** The README's rows between the markers: | Class | method | Mutator | code | why |. */
    private static List<Row> equivalents(Path readme) throws Exception {
        var rows = new ArrayList<Row>();
        var inside = false;
        for (var line : Files.readAllLines(readme)) {
            if (line.contains("<!-- equivalent-mutants -->")) {
                inside = true;
            } else if (line.contains("<!-- /equivalent-mutants -->")) {
                inside = false;
            } else if (inside && line.startsWith("| `")) {
                // A | inside a cell is written \| (Markdown tables need it, code spans included).
                var cells = line.split("(?<!\\\\)\\|");
                var row = new Row(
                        cell(cells[1]), cell(cells[2]), cell(cells[3]), spaces(cell(cells[4]).replace("\\|", "|")));
                var same = rows.stream()
                        .filter(r -> r.toString().equals(row.toString()))
                        .findFirst();
                if (same.isPresent()) {
                    same.get().listed++;
                } else {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static String cell(String text) {
        var stripped = text.strip();
        if (stripped.startsWith("`") && stripped.endsWith("`") && stripped.length() >= 2) {
            stripped = stripped.substring(1, stripped.length() - 1);
        }
        return stripped.strip();
    }

    private static String spaces(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /**
     * A method as the table names it: a lambda without its number ({@code lambda$new$0} is {@code
     * lambda$new}), so that a lambda added before it leaves the row true; the code tells lambdas apart.
     */
    private static String method(String name) {
        return name.startsWith("lambda$") ? name.replaceFirst("\\$\\d+$", "") : name;
    }

    private static String text(Element element, String tag) {
        return element.getElementsByTagName(tag).item(0).getTextContent();
    }

    private static final java.util.Set<String> DETECTED =
            java.util.Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR");

    private static final Map<Path, List<String>> SOURCES = new HashMap<>();

    /** The source line a mutant is on, whitespace collapsed; empty when the file cannot be read. */
    private static String sourceLine(Path sources, String mutatedClass, String sourceFile, int number) {
        var packagePath = mutatedClass.contains(".")
                ? mutatedClass.substring(0, mutatedClass.lastIndexOf('.')).replace('.', '/')
                : "";
        var file = sources.resolve(packagePath).resolve(sourceFile);
        var lines = SOURCES.computeIfAbsent(file, f -> {
            try {
                return Files.readAllLines(f);
            } catch (java.io.IOException e) {
                return List.of();
            }
        });
        return number >= 1 && number <= lines.size() ? spaces(lines.get(number - 1)) : "";
    }

    public static void main(String[] args) throws Exception {
        var report = Path.of(args[0]);
        var readme = Path.of(args[1]);
        var sources = readme.toAbsolutePath().getParent().resolve("src/main/java");
        var rows = equivalents(readme);
        var totalMinimum = Double.parseDouble(args[2]);
        var minimums = new TreeMap<String, Double>();
        for (int i = 3; i < args.length; i++) {
            var pair = args[i].split("=", 2);
            minimums.put(pair[0], Double.parseDouble(pair[1]));
        }
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var document = factory.newDocumentBuilder().parse(Files.newInputStream(report));
        var mutations = document.getElementsByTagName("mutation");
        Map<String, int[]> perClass = new TreeMap<>();
        var unlisted = new ArrayList<String>();
        for (int i = 0; i < mutations.getLength(); i++) {
            var mutation = (Element) mutations.item(i);
            var name = text(mutation, "mutatedClass");
            var simple = name.substring(name.lastIndexOf('.') + 1);
            var outer = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
            var mutator = text(mutation, "mutator");
            mutator = mutator.substring(mutator.lastIndexOf('.') + 1);
            var method = method(text(mutation, "mutatedMethod"));
            var lineNumber = Integer.parseInt(text(mutation, "lineNumber"));
            var line = sourceLine(sources, name, text(mutation, "sourceFile"), lineNumber);
            var id = simple + " " + method + " " + mutator + " (line " + lineNumber + ": " + line + "; "
                    + text(mutation, "description") + ")";
            var counts = perClass.computeIfAbsent(outer, k -> new int[3]);
            counts[0]++;
            if (DETECTED.contains(mutation.getAttribute("status"))) {
                counts[1]++;
                continue;
            }
            // A killed mutant needs no row; a surviving one is set aside by the row that fits it.
            Row listed = null;
            for (var row : rows) {
                if (row.fits(simple, method, mutator, line)) {
                    row.matched.add(id);
                    listed = row;
                }
            }
            if (listed != null) {
                counts[2]++;
            } else {
                unlisted.add(id);
            }
        }
        var failed = false;
        var ambiguous = false;
        int generated = 0;
        int detected = 0;
        System.out.printf(
                "%-20s %9s %7s %11s %7s %15s %8s%n",
                "class",
                "generated",
                "killed",
                "equivalent",
                "score",
                "without equiv.",
                "minimum");
        for (var entry : perClass.entrySet()) {
            var counts = entry.getValue();
            generated += counts[0];
            detected += counts[1];
            var score = 100.0 * counts[1] / counts[0];
            var adjusted = counts[0] == counts[2] ? 100.0 : 100.0 * counts[1] / (counts[0] - counts[2]);
            var minimum = minimums.get(entry.getKey());
            var below = minimum != null && adjusted < minimum;
            failed |= below;
            System.out.printf(
                    "%-20s %9d %7d %11d %6.1f%% %14.1f%% %8s%s%n",
                    entry.getKey(),
                    counts[0],
                    counts[1],
                    counts[2],
                    score,
                    adjusted,
                    minimum == null ? "" : minimum + "%",
                    below ? "  BELOW" : "");
        }
        for (var name : minimums.keySet()) {
            if (!perClass.containsKey(name)) {
                System.out.println(name + ": no mutants in the report");
                failed = true;
            }
        }
        for (var row : rows) {
            var times = row.listed == 1 ? "" : " (listed " + row.listed + " times)";
            if (row.matched.size() > row.listed) {
                // A row may not set aside surviving mutants that nobody looked at.
                System.out.println("Listed as equivalent in the README, but the row matches " + row.matched.size()
                        + " surviving mutants (quote more of the line): " + row + times);
                row.matched.forEach(id -> System.out.println("    " + id));
                ambiguous = true;
            } else if (row.matched.size() < row.listed) {
                System.out.println("Listed as equivalent in the README, but no surviving mutant fits it now (killed,"
                        + " or its line changed): " + row + times);
            }
        }
        for (var id : unlisted) {
            System.out.println("Survives, not listed as equivalent: " + id);
        }
        var total = generated == 0 ? 0 : 100.0 * detected / generated;
        var totalBelow = total < totalMinimum;
        System.out.printf(
                "%-20s %9d %7d %11s %6.1f%% %15s %8s%s%n",
                "all",
                generated,
                detected,
                "",
                total,
                "",
                totalMinimum + "%",
                totalBelow ? "  BELOW" : "");
        if (ambiguous) {
            System.out.println("The README's table of equivalent mutants has rows that match more mutants than"
                    + " they list: quote more of the line, or list the mutant once more if it too is equivalent");
        }
        if (failed || totalBelow) {
            System.out.println("Mutation scores are below their minimums: see target/pit-reports/index.html");
        }
        if (failed || totalBelow || ambiguous) {
            System.exit(1);
        }
    }
}
