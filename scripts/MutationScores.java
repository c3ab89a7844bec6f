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
 * <p>{@code java scripts/MutationScores.java target/pit-reports/mutations.xml 80 UrlGuard=90 ...}
 */
public class MutationScores {

    private static final Set<String> DETECTED = Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR");

    public static void main(String[] args) throws Exception {
        var report = Path.of(args[0]);
        var totalMinimum = Double.parseDouble(args[1]);
        var minimums = new TreeMap<String, Double>();
        for (int i = 2; i < args.length; i++) {
            var pair = args[i].split("=", 2);
            minimums.put(pair[0], Double.parseDouble(pair[1]));
        }
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var document = factory.newDocumentBuilder().parse(Files.newInputStream(report));
        var mutations = document.getElementsByTagName("mutation");
        Map<String, int[]> perClass = new TreeMap<>();
        for (int i = 0; i < mutations.getLength(); i++) {
            var mutation = (Element) mutations.item(i);
            var name = mutation.getElementsByTagName("mutatedClass").item(0).getTextContent();
            var simple = name.substring(name.lastIndexOf('.') + 1);
            var outer = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
            var counts = perClass.computeIfAbsent(outer, k -> new int[2]);
            counts[0]++;
            if (DETECTED.contains(mutation.getAttribute("status"))) {
                counts[1]++;
            }
        }
        var failed = false;
        int generated = 0;
        int detected = 0;
        System.out.printf("%-20s %9s %9s %7s %8s%n", "class", "generated", "killed", "score", "minimum");
        for (var entry : perClass.entrySet()) {
            var counts = entry.getValue();
            generated += counts[0];
            detected += counts[1];
            var score = 100.0 * counts[1] / counts[0];
            var minimum = minimums.get(entry.getKey());
            var below = minimum != null && score < minimum;
            failed |= below;
            System.out.printf(
                    "%-20s %9d %9d %6.1f%% %8s%s%n",
                    entry.getKey(),
                    counts[0],
                    counts[1],
                    score,
                    minimum == null ? "" : minimum + "%",
                    below ? "  BELOW" : "");
        }
        for (var name : minimums.keySet()) {
            if (!perClass.containsKey(name)) {
                System.out.println(name + ": no mutants in the report");
                failed = true;
            }
        }
        var total = generated == 0 ? 0 : 100.0 * detected / generated;
        var totalBelow = total < totalMinimum;
        System.out.printf(
                "%-20s %9d %9d %6.1f%% %8s%s%n",
                "all",
                generated,
                detected,
                total,
                totalMinimum + "%",
                totalBelow ? "  BELOW" : "");
        if (failed || totalBelow) {
            System.out.println("Mutation scores are below their minimums: see target/pit-reports/index.html");
            System.exit(1);
        }
    }
}
