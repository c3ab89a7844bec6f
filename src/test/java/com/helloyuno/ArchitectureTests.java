package com.helloyuno;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.web.bind.annotation.RestController;

/** Keeps the feature packages honest: each is a room that others enter only by its front door. */
class ArchitectureTests {

    private static JavaClasses yuno;

    @BeforeAll
    static void importClasses() {
        yuno = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.helloyuno");
    }

    @Test
    void featuresDoNotDependOnEachOtherInCycles() {
        slices().matching("com.helloyuno.(*)..").should().beFreeOfCycles().check(yuno);
    }

    /**
     * Each feature package names its front door ({@link Room} on its package-info); another
     * package may use only those types (and types nested in them). A new use of a package's
     * internals fails here until the type is deliberately made an entry point.
     */
    @Test
    void otherPackagesUseOnlyAPackagesNamedEntryPoints() {
        var violations = new java.util.TreeSet<String>();
        for (var origin : yuno) {
            var from = feature(origin);
            if (from == null) {
                continue;
            }
            for (var dependency : origin.getDirectDependenciesFromSelf()) {
                var target = topLevel(dependency.getTargetClass());
                var to = feature(target);
                if (to == null || to.equals(from) || entryPoints(to).contains(target.getName())) {
                    continue;
                }
                violations.add(origin.getName() + " uses " + target.getName() + ", which " + to
                        + " does not list in its @Room");
            }
        }
        org.assertj.core.api.Assertions.assertThat(violations).isEmpty();
    }

    /** Every feature package says what its front door is. */
    @Test
    void everyFeaturePackageNamesItsEntryPoints() {
        var packages = new java.util.TreeSet<String>();
        for (var c : yuno) {
            var feature = feature(c);
            if (feature != null) {
                packages.add(feature);
            }
        }
        for (var feature : packages) {
            org.assertj.core.api.Assertions.assertThat(roomOf(feature))
                    .as(feature)
                    .isNotNull();
        }
    }

    private static final java.util.Map<String, java.util.Set<String>> ENTRY_POINTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static java.util.Set<String> entryPoints(String feature) {
        return ENTRY_POINTS.computeIfAbsent(feature, f -> {
            var room = roomOf(f);
            if (room == null) {
                return java.util.Set.of();
            }
            var names = new java.util.HashSet<String>();
            for (var type : room.entryPoints()) {
                names.add(type.getName());
            }
            return names;
        });
    }

    private static @org.jspecify.annotations.Nullable Room roomOf(String feature) {
        var info = Package.getPackage(feature);
        if (info == null) {
            try {
                Class.forName(feature + ".package-info");
            } catch (ClassNotFoundException e) {
                return null;
            }
            info = Package.getPackage(feature);
        }
        return info == null ? null : info.getAnnotation(Room.class);
    }

    /** The feature package of a class of ours ({@code com.helloyuno.site}), or null for anything else. */
    private static @org.jspecify.annotations.Nullable String feature(com.tngtech.archunit.core.domain.JavaClass c) {
        var name = c.getPackageName();
        if (!name.startsWith("com.helloyuno.")) {
            return null;
        }
        var rest = name.substring("com.helloyuno.".length());
        var dot = rest.indexOf('.');
        return "com.helloyuno." + (dot < 0 ? rest : rest.substring(0, dot));
    }

    private static com.tngtech.archunit.core.domain.JavaClass topLevel(com.tngtech.archunit.core.domain.JavaClass c) {
        var current = c;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }

    @Test
    void problemDocumentsDependOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("com.helloyuno.problem..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.helloyuno.site..",
                        "com.helloyuno.widget..",
                        "com.helloyuno.ratelimit..",
                        "com.helloyuno.knowledge..",
                        "com.helloyuno.chat..",
                        "com.helloyuno.lead..",
                        "com.helloyuno.llm..",
                        "com.helloyuno.analytics..",
                        "com.helloyuno.web..")
                .check(yuno);
    }

    @Test
    void noFeatureDependsOnTheWebPlumbing() {
        noClasses()
                .that()
                .resideOutsideOfPackage("com.helloyuno.web..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.helloyuno.web..")
                .check(yuno);
    }

    @Test
    void controllersArePackagePrivate() {
        classes()
                .that()
                .areAnnotatedWith(RestController.class)
                .should()
                .notBePublic()
                .allowEmptyShould(true)
                .check(yuno);
    }

    @Test
    void settingsAreRecords() {
        classes()
                .that()
                .areAnnotatedWith(ConfigurationProperties.class)
                .should()
                .beRecords()
                .check(yuno);
    }

    @Test
    void dependenciesAreInjectedThroughConstructors() {
        fields().should().notBeAnnotatedWith(Autowired.class).check(yuno);
    }

    @Test
    void loggingGoesThroughTheLogger() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(yuno);
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(yuno);
    }
}
