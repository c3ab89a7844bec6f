package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RobotsTxtTests {

    @Test
    void theGroupNamingYunoBotWinsOverTheStarGroup() {
        var robots = RobotsTxt.parse("""
                User-agent: *
                Disallow: /

                User-agent: YunoBot
                User-agent: OtherBot
                Disallow: /private/
                Allow: /private/faq$
                Crawl-delay: 2
                """, "YunoBot");

        assertThat(robots.allows("/")).isTrue();
        assertThat(robots.allows("/private/secret")).isFalse();
        assertThat(robots.allows("/private/faq")).isTrue();
        assertThat(robots.allows("/private/faq/more")).isFalse();
        assertThat(robots.crawlDelay()).contains(Duration.ofSeconds(2));
    }

    @Test
    void theStarGroupAppliesWhenNoGroupNamesUs() {
        var robots = RobotsTxt.parse("User-agent: *\nDisallow: /tmp/ # scratch\nDisallow: /*.pdf$\n", "YunoBot");

        assertThat(robots.allows("/tmp/x")).isFalse();
        assertThat(robots.allows("/files/manual.pdf")).isFalse();
        assertThat(robots.allows("/files/manual.pdf?v=2")).isTrue();
        assertThat(robots.allows("/about")).isTrue();
    }

    @Test
    void theLongestMatchWinsAndAllowWinsATie() {
        var robots = RobotsTxt.parse(
                "User-agent: *\nDisallow: /shop\nAllow: /shop/public\nAllow: /x\nDisallow: /x\n", "YunoBot");

        assertThat(robots.allows("/shop/cart")).isFalse();
        assertThat(robots.allows("/shop/public/a")).isTrue();
        assertThat(robots.allows("/x")).isTrue();
    }

    @Test
    void anEmptyFileOrOtherAgentsAllowEverything() {
        assertThat(RobotsTxt.parse("", "YunoBot").allows("/a")).isTrue();
        assertThat(RobotsTxt.parse("User-agent: Google\nDisallow: /\n", "YunoBot")
                        .allows("/a"))
                .isTrue();
        assertThat(RobotsTxt.disallowAll().allows("/a")).isFalse();
    }

    @Test
    void manyWildcardsStayFast() {
        var robots = RobotsTxt.parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*b\n", "YunoBot");
        assertThat(robots.allows("/" + "a".repeat(5000))).isTrue();
    }

    @Test
    void allowWinsATieWhicheverComesFirst() {
        var robots = RobotsTxt.parse("User-agent: *\nDisallow: /x\nAllow: /x\n", "YunoBot");

        assertThat(robots.allows("/x")).isTrue();
        assertThat(robots.allows("/xy")).isTrue();
    }

    @Test
    void anEmptyPathIsTheRoot() {
        var robots = RobotsTxt.parse("User-agent: *\nDisallow: /$\n", "YunoBot");

        assertThat(robots.allows("")).isFalse();
        assertThat(robots.allows("/")).isFalse();
        assertThat(robots.allows("/a")).isTrue();
    }

    @Test
    void wildcardsMatchAnyRunOfCharactersIncludingNone() {
        var robots = RobotsTxt.parse("User-agent: *\nDisallow: /a*b*c$\nDisallow: /d**\nDisallow: /*?s=\n", "YunoBot");

        assertThat(robots.allows("/abc")).isFalse();
        assertThat(robots.allows("/axxbyyc")).isFalse();
        assertThat(robots.allows("/aabbcc")).isFalse();
        assertThat(robots.allows("/axxbyy")).isTrue();
        assertThat(robots.allows("/axxbyycz")).isTrue();
        assertThat(robots.allows("/acb")).isTrue();
        assertThat(robots.allows("/d")).isFalse();
        assertThat(robots.allows("/search?s=x")).isFalse();
        assertThat(robots.allows("/search?q=x")).isTrue();
    }

    @Test
    void aLongerRuleWinsWhicheverComesFirst() {
        var robots = RobotsTxt.parse("User-agent: *\nAllow: /shop/public\nDisallow: /shop\n", "YunoBot");

        assertThat(robots.allows("/shop/public/a")).isTrue();
        assertThat(robots.allows("/shop/cart")).isFalse();
    }

    @Test
    void aRuleThatStartsWithAWildcardMatchesAnywhere() {
        var robots = RobotsTxt.parse("""
                User-agent: *
                Disallow: *.pdf$
                Disallow: *private
                """, "YunoBot");

        assertThat(robots.allows("/docs/price-list.pdf")).isFalse();
        assertThat(robots.allows("/docs/price-list.pdf?v=2")).isTrue();
        assertThat(robots.allows("/a/private/notes")).isFalse();
        assertThat(robots.allows("/a/public/notes")).isTrue();
    }
}
