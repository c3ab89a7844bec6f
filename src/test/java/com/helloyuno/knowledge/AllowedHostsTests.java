package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hosts a crawl may visit, compared in one normal form. */
class AllowedHostsTests {

    @Test
    void namesAreComparedLowerCaseInPunycodeWithoutTrailingDotsOrBrackets() {
        var hosts = new AllowedHosts(Set.of(" Example.COM.. ", "[::1]", "bücher.de"), false);

        assertThat(hosts.hosts()).containsExactlyInAnyOrder("example.com", "::1", "xn--bcher-kva.de");
        assertThat(hosts.permits("EXAMPLE.com.")).isTrue();
        assertThat(hosts.permits("[::1]")).isTrue();
        assertThat(hosts.permits("::1")).isTrue();
        assertThat(hosts.permits("BÜCHER.de")).isTrue();
    }

    @Test
    void emptyOrUnreadableNamesAreNeitherAllowedNorPermitted() {
        var hosts = new AllowedHosts(Set.of("", "...", "a".repeat(64) + ".com", "example.com"), true);

        assertThat(hosts.hosts()).containsExactly("example.com");
        assertThat(hosts.permits(null)).isFalse();
        assertThat(hosts.permits("")).isFalse();
        assertThat(hosts.permits(".")).isFalse();
        assertThat(hosts.permits("a".repeat(64) + ".example.com")).isFalse();
        assertThat(AllowedHosts.normalize(null)).isNull();
        assertThat(AllowedHosts.normalize(" . ")).isNull();
    }

    @Test
    void aSubdomainIsPermittedOnlyAtALabelBoundaryAndOnlyWhenAllowed() {
        var with = new AllowedHosts(Set.of("example.com", "example.org"), true);
        var without = new AllowedHosts(Set.of("example.com", "example.org"), false);

        assertThat(with.permits("docs.example.org")).isTrue();
        assertThat(with.permits("notexample.org")).isFalse();
        assertThat(with.permits("example.org.evil.net")).isFalse();
        assertThat(without.permits("docs.example.org")).isFalse();
        assertThat(without.permits("example.org")).isTrue();
    }
}
