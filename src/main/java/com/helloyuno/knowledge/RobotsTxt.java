package com.helloyuno.knowledge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The rules of one host's robots.txt for one crawler (RFC 9309): the group naming the crawler's
 * product token, else the {@code *} group; within it the longest matching {@code Allow} or {@code
 * Disallow} path wins, {@code Allow} on a tie; {@code *} matches any characters and a final {@code
 * $} the end of the path. {@code Crawl-delay} of the chosen group is kept too.
 */
final class RobotsTxt {

    private record Rule(boolean allow, String pattern) {}

    private final List<Rule> rules;
    private final @Nullable Duration crawlDelay;

    private RobotsTxt(List<Rule> rules, @Nullable Duration crawlDelay) {
        this.rules = rules;
        this.crawlDelay = crawlDelay;
    }

    static RobotsTxt allowAll() {
        return new RobotsTxt(List.of(), null);
    }

    static RobotsTxt disallowAll() {
        return new RobotsTxt(List.of(new Rule(false, "/")), null);
    }

    private static final class Group {
        final List<String> agents = new ArrayList<>();
        final List<Rule> rules = new ArrayList<>();

        @Nullable
        Duration crawlDelay;
    }

    static RobotsTxt parse(String body, String productToken) {
        var token = productToken.toLowerCase(Locale.ROOT);
        var groups = new ArrayList<Group>();
        Group current = null;
        var lastWasAgent = false;
        for (var raw : body.split("\\r?\\n|\\r")) {
            var hash = raw.indexOf('#');
            var line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            var colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            var key = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            var value = line.substring(colon + 1).strip();
            switch (key) {
                case "user-agent" -> {
                    if (current == null || !lastWasAgent) {
                        current = new Group();
                        groups.add(current);
                    }
                    current.agents.add(value.toLowerCase(Locale.ROOT));
                    lastWasAgent = true;
                }
                case "allow", "disallow" -> {
                    if (current != null && !value.isEmpty()) {
                        current.rules.add(new Rule(key.equals("allow"), value));
                    }
                    lastWasAgent = false;
                }
                case "crawl-delay" -> {
                    if (current != null) {
                        try {
                            current.crawlDelay = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                        } catch (NumberFormatException ignored) {
                            // A malformed delay is no delay.
                        }
                    }
                    lastWasAgent = false;
                }
                default -> lastWasAgent = false;
            }
        }
        var mine = merge(groups, agent -> !agent.equals("*") && token.startsWith(agent));
        if (mine == null) {
            mine = merge(groups, agent -> agent.equals("*"));
        }
        return mine == null ? allowAll() : new RobotsTxt(List.copyOf(mine.rules), mine.crawlDelay);
    }

    /** Every group that names the agent counts, as if they were one (RFC 9309, 2.2.1). */
    private static @Nullable Group merge(List<Group> groups, java.util.function.Predicate<String> matches) {
        Group merged = null;
        for (var group : groups) {
            if (group.agents.stream().anyMatch(matches)) {
                if (merged == null) {
                    merged = new Group();
                }
                merged.rules.addAll(group.rules);
                if (group.crawlDelay != null) {
                    merged.crawlDelay = group.crawlDelay;
                }
            }
        }
        return merged;
    }

    /** Whether a path with its query ({@code /a/b?c=d}) may be fetched. */
    boolean allows(String pathAndQuery) {
        var path = pathAndQuery.isEmpty() ? "/" : pathAndQuery;
        Rule best = null;
        for (var rule : rules) {
            if (matches(rule.pattern(), path)) {
                if (best == null
                        || rule.pattern().length() > best.pattern().length()
                        || rule.pattern().length() == best.pattern().length() && rule.allow()) {
                    best = rule;
                }
            }
        }
        return best == null || best.allow();
    }

    Optional<Duration> crawlDelay() {
        return Optional.ofNullable(crawlDelay);
    }

    /** Glob matching with {@code *} in linear-ish time (one backtrack point), as robots.txt needs. */
    private static boolean matches(String pattern, String path) {
        var anchored = pattern.endsWith("$");
        var p = anchored ? pattern.substring(0, pattern.length() - 1) : pattern + "*";
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < path.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (pi < p.length() && p.charAt(pi) == path.charAt(si)) {
                pi++;
                si++;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
