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
