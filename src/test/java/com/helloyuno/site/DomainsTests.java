package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

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
}
