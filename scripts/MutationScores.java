import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * Reads PIT's mutations.xml and prints the mutation score of each class (killed, timed out or
 * crashing mutants over all generated ones, inner classes counted with their outer class) and of
 * them all; exits 1 when a class named with a minimum is below it, or the total is below its own.
 *
 * <p>Surviving mutants listed as equivalent in the README's table (between the {@code
 * equivalent-mutants} markers: class, method, line, mutator, why) are shown apart: a class's
 * minimum is checked against killed / (generated - listed equivalents), and the raw score is
 * printed beside it. A listed mutant that PIT no longer reports as surviving is named, so that the
 * list is kept true.
 *
 * <p>{@code java scripts/MutationScores.java target/pit-reports/mutations.xml README.md 80 UrlGuard=90 ...}
 */
public class MutationScores {

    /** The README's rows between the markers: | Class | method | line | Mutator | why |. */
    private static Set<String> equivalents(Path readme) throws Exception {
        var rows = new java.util.LinkedHashSet<String>();
        var inside = false;
        for (var line : Files.readAllLines(readme)) {
            if (line.contains("<!-- equivalent-mutants -->")) {
                inside = true;
            } else if (line.contains("<!-- /equivalent-mutants -->")) {
                inside = false;
            } else if (inside && line.startsWith("| `")) {
                var cells = line.split("\\|");
                rows.add(String.join(
                        " ",
                        cells[1].strip().replace("`", ""),
                        cells[2].strip().replace("`", ""),
                        cells[3].strip(),
                        cells[4].strip().replace("`", "")));
            }
        }
        return rows;
    }

    private static String text(Element element, String tag) {
        return element.getElementsByTagName(tag).item(0).getTextContent();
    }

    private static final Set<String> DETECTED = Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR");

    public static void main(String[] args) throws Exception {
        var report = Path.of(args[0]);
        var equivalents = equivalents(Path.of(args[1]));
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
        var unseen = new java.util.LinkedHashSet<>(equivalents);
        var unlisted = new java.util.ArrayList<String>();
        for (int i = 0; i < mutations.getLength(); i++) {
            var mutation = (Element) mutations.item(i);
            var name = text(mutation, "mutatedClass");
            var simple = name.substring(name.lastIndexOf('.') + 1);
            var outer = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
            var mutator = text(mutation, "mutator");
            var id = String.join(
                    " ",
                    simple,
                    text(mutation, "mutatedMethod"),
                    text(mutation, "lineNumber"),
                    mutator.substring(mutator.lastIndexOf('.') + 1));
            var counts = perClass.computeIfAbsent(outer, k -> new int[3]);
            counts[0]++;
            if (DETECTED.contains(mutation.getAttribute("status"))) {
                counts[1]++;
            } else if (equivalents.contains(id)) {
                counts[2]++;
                unseen.remove(id);
            } else {
                unlisted.add(id + " (" + text(mutation, "description") + ")");
            }
        }
        var failed = false;
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
        for (var id : unseen) {
            System.out.println("Listed as equivalent in the README but not a surviving mutant now: " + id);
        }
        for (var id : unlisted) {
            if (minimums.containsKey(id.substring(0, id.indexOf(' ')).split("\\$")[0])) {
                System.out.println("Survives, not listed as equivalent: " + id);
            }
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
        if (failed || totalBelow) {
            System.out.println("Mutation scores are below their minimums: see target/pit-reports/index.html");
            System.exit(1);
        }
    }
}
