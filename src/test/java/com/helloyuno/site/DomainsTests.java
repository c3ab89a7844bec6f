package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DomainsTests {

    @ParameterizedTest
    @CsvSource({
        "example.com, example.com",
        "EXAMPLE.com., example.com",
        "https://Shop.Example.COM:443/pricing?x=1#top, shop.example.com",
        "  example.com  , example.com",
        "bücher.de, xn--bcher-kva.de",
        "xn--bcher-kva.de, xn--bcher-kva.de",
        "localhost, localhost",
        "my-site.co.uk, my-site.co.uk"
    })
    void normalisesWhatTheContractTolerates(String input, String expected) {
        assertThat(Domains.normalize(input)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "example",
                "exa mple.com",
                "-example.com",
                "example-.com",
                "ex_ample.com",
                "127.0.0.1",
                "[::1]",
                "example.com:abc",
                "example..com",
                "http://",
                "example.123",
                "<script>.com"
            })
    void refusesWhatIsNotAHostName(String input) {
        assertThat(Domains.normalize(input)).isEmpty();
    }

    /** Forms that URL parsers read as different hosts: refused, never guessed at. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.com\\@a.example.com",
                "evil.com\\@a.example.com",
                "https://evil.com\\a.example.com",
                "a.example.com\\",
                "http://user:pw@example.com/",
                "https://user@a.example.com",
                "user@example.com",
                "a.example.com@evil.com",
                "@example.com",
                "example.com@",
                "https://a.example.com/@evil.com",
                "https://a.example.com?x=@evil.com",
                "exa\tmple.com",
                "example.com /evil.com",
                "https://example.com\r\nx.com",
                "example.com\u0000",
                "example\u0000.com",
                "exa\u200bmple.com",
                "exa\u00admple.com",
                "example.com\u00a0evil.com"
            })
    void refusesUserInfoBackslashesWhitespaceAndControlCharacters(String input) {
        assertThat(Domains.normalize(input)).as(input).isEmpty();
        assertThat(Domains.originHost(input)).as(input).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "https://a.example.com, a.example.com",
        "http://a.example.com, a.example.com",
        "https://a.example.com:8443, a.example.com",
        "HTTPS://A.Example.COM, a.example.com",
        "http://localhost:8080, localhost",
        "https://xn--bcher-kva.de, xn--bcher-kva.de"
    })
    void readsTheHostOfAnHttpOrHttpsOrigin(String origin, String host) {
        assertThat(Domains.originHost(origin)).contains(host);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "null",
                "file://a.example.com",
                "file:///home/a.example.com",
                "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                "moz-extension://a.example.com",
                "ftp://a.example.com",
                "ws://a.example.com",
                "a.example.com",
                "//a.example.com",
                "https://a.example.com/",
                "https://a.example.com/page",
                "https://a.example.com?x",
                "https://a.example.com:",
                "https://a.example.com:0",
                "https://a.example.com:65536",
                "https://a.example.com:1:2",
                "https://127.0.0.1",
                "https://[::1]",
                "https://",
                ""
            })
    void refusesOriginsThatAreNotAnHttpOrHttpsPage(String origin) {
        assertThat(Domains.originHost(origin)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "example.com, example.com, false, true",
        "shop.example.com, example.com, false, false",
        "shop.example.com, example.com, true, true",
        "a.b.example.com, example.com, true, true",
        "badexample.com, example.com, true, false",
        "example.com.evil.net, example.com, true, false"
    })
    void matchesSubdomainsOnlyAtALabelBoundary(String host, String domain, boolean subdomains, boolean expected) {
        assertThat(Domains.matches(host, domain, subdomains)).isEqualTo(expected);
    }

    @Test
    void aNameOfUpTo253CharactersIsAHostNameAndOneLongerIsNot() {
        var longest = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertThat(longest).hasSize(253);

        assertThat(Domains.normalize(longest)).contains(longest);
        assertThat(Domains.normalize(longest + "e")).isEmpty();
        assertThat(Domains.normalize("a".repeat(64) + ".com")).isEmpty();
    }

    @Test
    void anInputOfUpTo2048CharactersIsReadAndALongerOneIsNot() {
        var prefix = "https://shop.example.com/";
        var longest = prefix + "p".repeat(2048 - prefix.length());

        assertThat(Domains.normalize(longest)).contains("shop.example.com");
        assertThat(Domains.normalize(longest + "p")).isEmpty();
        assertThat(Domains.originHost("https://shop.example.com:65535")).contains("shop.example.com");
        assertThat(Domains.originHost("https://shop.example.com:1")).contains("shop.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-a.com", "a-.com", "a..com", ".a.com", "a_b.com", "A.com", "a.com.", "1.2.3.4", "a.b.12"})
    void aNormalisedNameMadeOfAnythingButValidLabelsIsNoHostName(String name) {
        assertThat(Domains.isHostName(name)).as(name).isFalse();
    }

    /** Any name made of valid labels normalises to itself, in lower case. */
    @Property(tries = 500)
    void aNameOfValidLabelsIsItsOwnNormalForm(@ForAll("hostNames") String host) {
        assertThat(Domains.normalize(host)).contains(host);
        assertThat(Domains.normalize(host.toUpperCase(java.util.Locale.ROOT) + "."))
                .contains(host);
        assertThat(Domains.normalize("https://" + host + ":8443/a?b#c")).contains(host);
        assertThat(Domains.originHost("https://" + host)).contains(host);
    }

    /** A label that starts or ends with a hyphen, or holds any other character, spoils the name. */
    @Property(tries = 500)
    void aBadLabelAnywhereRefusesTheName(
            @ForAll("hostNames") String host, @ForAll("badLabels") String bad, @ForAll boolean first) {
        var name = first ? bad + "." + host : host.substring(0, host.indexOf('.')) + "." + bad + ".com";

        assertThat(Domains.normalize(name)).as(name).isEmpty();
    }

    /** A subdomain matches only when allowed, and only at a label boundary. */
    @Property(tries = 300)
    void subdomainsMatchAtALabelBoundaryOnly(@ForAll("hostNames") String domain, @ForAll("labels") String label) {
        assertThat(Domains.matches(label + "." + domain, domain, true)).isTrue();
        assertThat(Domains.matches(label + "." + domain, domain, false)).isFalse();
        assertThat(Domains.matches(label + domain, domain, true)).isFalse();
        assertThat(Domains.matches(domain + "." + label, domain, true)).isFalse();
    }

    @Provide
    Arbitrary<String> labels() {
        var edge = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789")
                .ofLength(1);
        var middle = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
                .ofMinLength(0)
                .ofMaxLength(20);
        return net.jqwik.api.Combinators.combine(edge, middle, edge)
                .as((a, m, b) -> a + m + b)
                // "ab--" labels are reserved for encodings such as punycode ("xn--").
                .filter(label -> !label.startsWith("--", 2));
    }

    @Provide
    Arbitrary<String> hostNames() {
        var tld = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(2).ofMaxLength(6);
        return labels().list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(parts -> tld.map(t -> String.join(".", parts) + "." + t));
    }

    @Provide
    Arbitrary<String> badLabels() {
        return Arbitraries.oneOf(
                labels().map(l -> "-" + l),
                labels().map(l -> l + "-"),
                Arbitraries.of("_", "*", "!", "%", "$", "+", "=", ",", ";", "'", "\"", "<", ">", "~")
                        .flatMap(c -> labels().map(l -> l.charAt(0) + c + l)),
                Arbitraries.just("a".repeat(64)));
    }
}
