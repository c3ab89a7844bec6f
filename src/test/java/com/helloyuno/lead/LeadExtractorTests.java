package com.helloyuno.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Contact details found deterministically in what visitors write. */
class LeadExtractorTests {

    static final LeadSettings SETTINGS = new LeadSettings("US", 200, 254, 4000, 200, 32000, 100, 100000);

    private final LeadExtractor extractor = new LeadExtractor(SETTINGS);

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "You can write me at jane.doe@example.com thanks|jane.doe@example.com",
                "Email: Jane.Doe+shop@Example.COM, please|Jane.Doe+shop@example.com",
                "mine is bob_smith@mail.co.uk.|bob_smith@mail.co.uk",
                "(contact: o'neil@example.org)|o'neil@example.org",
                "'quoted@example.org'|quoted@example.org",
                "Meine Adresse ist hans-peter@firma-beispiel.de!|hans-peter@firma-beispiel.de",
                "<ana@example.io>|ana@example.io",
                "first old@example.com, now new@example.com is better|new@example.com",
            })
    void findsEmailAddresses(String text, String email) {
        assertThat(extractor.extract(List.of(text), LeadHints.NONE))
                .map(ChatLead::email)
                .contains(email);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "follow us @yuno on social media",
                "user@localhost is not an address",
                "a@b",
                "x@y.z",
                "two dots john..doe@example.com? no: .john@example.com is not either",
                "name@domain.c0m",
                "price: 5@10 each",
            })
    void findsNoEmailWhereThereIsNone(String text) {
        var lead = extractor.extract(List.of(text), LeadHints.NONE);
        assertThat(lead.map(ChatLead::email)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Call me at (415) 555-2671 tomorrow|US|+14155552671",
                "my number: 415.555.2671|US|+14155552671",
                "my phone is 4155552671|US|+14155552671",
                "4155552671|US|+14155552671",
                "Reach me on +44 20 7946 0958 please|US|+442079460958",
                "UK office 020 7946 0958|GB|+442079460958",
                "mon portable: 06 12 34 56 78|FR|+33612345678",
                "+33 6 12 34 56 78|US|+33612345678",
                "Handy: +49 1512 3456789|US|+4915123456789",
                "telefono +39 06 6982 0000|US|+390669820000",
                "WhatsApp +91 98765 43210|US|+919876543210",
                "call +1-415-555-2671 or later +1 (212) 555-0134|US|+12125550134",
            })
    void findsPhoneNumbersAndNormalisesThemToE164(String text, String region, String e164) {
        assertThat(extractor.extract(List.of(text), new LeadHints(null, null, region)))
                .map(ChatLead::phone)
                .contains(e164);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "My order #4155552671 has not arrived",
                "my order number is 4155552671",
                "Invoice no. 415-555-2671 is wrong",
                "tracking: 4155552671",
                "It costs $4,155,552,671 in total",
                "the price is 4155552671 USD",
                "We met on 2024-03-15 at 10:30",
                "Delivery on 12/03/2024 between 10:00 and 12:00",
                "Version 4.15.55 was released in 2023",
                "I have 4155552671 questions",
                "Our plan costs 49.99 per month and 499 per year",
                "ZIP 94103, order 12345",
            })
    void findsNoPhoneInPricesOrderNumbersOrDates(String text) {
        assertThat(extractor.extract(List.of(text), LeadHints.NONE)).isEmpty();
    }

    @Test
    void takesTheLatestDetailsAndTheHintsNameAndIntent() {
        var messages = List.of(
                "Hi, I'm interested in the pro plan",
                "my email is old@example.com and phone +1 415 555 2671",
                "sorry, use new@example.com instead");

        var lead = extractor.extract(messages, new LeadHints("  Jane   Doe ", "pricing", null));

        assertThat(lead).contains(new ChatLead("Jane Doe", "new@example.com", "+14155552671", "pricing"));
    }

    @Test
    void oneScanTellsWhetherTheLatestMessageGaveContactDetails() {
        var earlier = extractor.scan(
                List.of("Mail me at ann@example.com", "And the price?"), "https://shop.example.de/", "price?");
        assertThat(earlier.carrier()).isEqualTo("Mail me at ann@example.com");
        assertThat(earlier.found()).isTrue();
        assertThat(earlier.inLatest()).isFalse();
        assertThat(earlier.email()).isEqualTo("ann@example.com");
        assertThat(earlier.region()).isEqualTo("DE");

        var latest = extractor.scan(
                List.of("Hello", "Call me on 030 12345678"), "https://shop.example.de/", "Call me on 030 12345678");
        assertThat(latest.searchQuery()).doesNotContain("12345678");
        assertThat(latest.carrier()).isEqualTo("Call me on 030 12345678");
        assertThat(latest.inLatest()).isTrue();
        assertThat(latest.phone()).isEqualTo("+493012345678");
        assertThat(extractor.lead(latest, " Ann ", "pricing"))
                .contains(new ChatLead("Ann", null, "+493012345678", "pricing"));

        var none = extractor.scan(List.of("What are your opening hours?"), null, "opening hours");
        assertThat(none.searchQuery()).isEqualTo("opening hours");
        assertThat(none.found()).isFalse();
        assertThat(extractor.lead(none, "Ann", "pricing")).isEmpty();
    }

    @Test
    void noContactDetailsMeansNoLeadWhateverTheHints() {
        assertThat(extractor.extract(List.of("I'm Jane and I want a demo"), new LeadHints("Jane", "demo", null)))
                .isEmpty();
    }

    @Test
    void aNameThatLooksLikeAnEmailIsDropped() {
        var lead = extractor.extract(List.of("jane@example.com"), new LeadHints("jane@example.com", null, null));

        assertThat(lead.map(ChatLead::name)).isEmpty();
        assertThat(lead.map(ChatLead::email)).contains("jane@example.com");
    }

    @Test
    void personalDataStaysOutOfToString() {
        var lead = new ChatLead("Jane", "jane@example.com", "+14155552671", null);

        assertThat(lead.toString()).doesNotContain("jane", "Jane", "4155552671");
        assertThat(new LeadForm("s1", "Jane", "jane@example.com", "+14155552671", "hi").toString())
                .doesNotContain("jane", "Jane", "4155552671");
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "null",
            value = {
                "https://shop.example.de/preise,DE",
                "https://www.example.co.uk/,GB",
                "http://example.fr,FR",
                "https://example.com/pricing,null",
                "https://example.io,IO",
                "not a url,null",
                "null,null",
            })
    void theRegionOfAPageIsItsCountryDomain(String url, String region) {
        assertThat(Optional.ofNullable(extractor.regionOf(url))).isEqualTo(Optional.ofNullable(region));
    }

    @Test
    void validatesAndNormalisesFormValues() {
        assertThat(extractor.email(" Jane@Example.COM ")).contains("Jane@example.com");
        assertThat(extractor.email("jane@example")).isEmpty();
        assertThat(extractor.email("a".repeat(65) + "@example.com")).isEmpty();
        assertThat(extractor.phone("(415) 555-2671", "US")).contains("+14155552671");
        assertThat(extractor.phone("+44 20 7946 0958", "US")).contains("+442079460958");
        assertThat(extractor.phone("555-0000", "US")).isEmpty();
        assertThat(extractor.phone("call me", "US")).isEmpty();
    }

    @Test
    void contactDetailsAreBlankedOutOfASearchQueryAndNothingElse() {
        assertThat(extractor.withoutContactDetails(
                        "I'm Jane. Call me on +1 415 555 2671 or jane@example.com about the enterprise plan", null))
                .isEqualTo("I'm Jane. Call me on or about the enterprise plan");
        assertThat(extractor.withoutContactDetails("Mail max.mustermann@firma.de, Tel. 030 12345678", "DE"))
                .isEqualTo("Mail , Tel.");
        // What extract() would not take for a phone stays: it is what the visitor is asking about.
        assertThat(extractor.withoutContactDetails("Where is order 4155552671?", null))
                .isEqualTo("Where is order 4155552671?");
        assertThat(extractor.withoutContactDetails("Does the 2024 model cost $4155552671?", null))
                .isEqualTo("Does the 2024 model cost $4155552671?");
        assertThat(extractor.withoutContactDetails("What are your opening hours?", null))
                .isEqualTo("What are your opening hours?");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "it costs 415-555-2671 USD",
                "it costs 415-555-2671 dollars",
                "USD 415-555-2671",
                "$ 415-555-2671"
            })
    void aNumberNextToACurrencyIsNotTakenAsAPhone(String text) {
        assertThat(extractor.extract(List.of(text), LeadHints.NONE)).isEmpty();
        assertThat(extractor.withoutContactDetails(text, null)).isEqualTo(text);
    }

    @Test
    void onlyTheLatestCharactersUpToTheScanBudgetAreSearched() {
        var small = new LeadExtractor(new LeadSettings("US", 200, 254, 4000, 200, 100, 100, 100000));
        var filler = "x".repeat(100);

        // The latest message uses the whole budget: the earlier one is not read.
        assertThat(small.extract(List.of("mail far@example.com", filler), LeadHints.NONE))
                .isEmpty();
        // Of a message longer than the budget, only its end is read.
        assertThat(small.extract(List.of("early@example.com " + filler), LeadHints.NONE))
                .isEmpty();
        assertThat(small.extract(List.of(filler + " late@example.com"), LeadHints.NONE)
                        .map(ChatLead::email))
                .contains("late@example.com");
        // What the budget leaves is read in the message before.
        var ninety = "y".repeat(90);
        assertThat(small.extract(List.of("a@b.co", ninety), LeadHints.NONE).map(ChatLead::email))
                .contains("a@b.co");
        assertThat(small.extract(List.of("call me: (415) 555-2671", ninety), LeadHints.NONE))
                .isEmpty();
    }

    @Test
    void theNameAndIntentOfTheHintsAreTidiedAndBounded() {
        var small = new LeadExtractor(new LeadSettings("US", 5, 254, 4000, 4, 32000, 100, 100000));
        var text = "jane@example.com";

        var lead = small.extract(List.of(text), new LeadHints("  Jane \n  Doe ", "  buy it ", null))
                .orElseThrow();
        assertThat(lead.name()).isEqualTo("Jane ");
        assertThat(lead.intent()).isEqualTo("buy ");
        var exact = small.extract(List.of(text), new LeadHints("Janet", "sell", null))
                .orElseThrow();
        assertThat(exact.name()).isEqualTo("Janet");
        assertThat(exact.intent()).isEqualTo("sell");
        var none = small.extract(List.of(text), new LeadHints("me@x.com", "  ", null))
                .orElseThrow();
        assertThat(none.name()).isNull();
        assertThat(none.intent()).isNull();
        var blank =
                small.extract(List.of(text), new LeadHints("   ", null, null)).orElseThrow();
        assertThat(blank.name()).isNull();
    }

    @Test
    void aPagesRegionComesFromItsCountryDomain() {
        assertThat(extractor.regionOf("https://shop.example.de/x")).isEqualTo("DE");
        assertThat(extractor.regionOf("https://example.co.uk")).isEqualTo("GB");
        assertThat(extractor.regionOf("https://example.com")).isNull();
        assertThat(extractor.regionOf("mailto:someone")).isNull();
        assertThat(extractor.regionOf("not a url")).isNull();
        assertThat(extractor.regionOf(null)).isNull();
    }

    @Test
    void anEmailUpToTheLengthLimitsIsKept() {
        var local64 = "a".repeat(64);
        var local65 = "a".repeat(65);
        assertThat(extractor.email(local64 + "@example.com")).contains(local64 + "@example.com");
        assertThat(extractor.email(local65 + "@example.com")).isEmpty();
        var small = new LeadExtractor(new LeadSettings("US", 200, 13, 4000, 200, 32000, 100, 100000));
        assertThat(small.email("ab@example.co")).contains("ab@example.co");
        assertThat(small.email("abc@example.co")).isEmpty();
    }

    @Test
    void withoutHintsALeadHasNoNameNorIntent() {
        var lead =
                extractor.extract(List.of("jane@example.com"), LeadHints.NONE).orElseThrow();

        assertThat(lead.name()).isNull();
        assertThat(lead.intent()).isNull();
    }

    @Test
    void aTextWithoutContactDetailsIsLeftExactlyAsItWas() {
        var text = "  where is   my order 4155552671?  ";

        assertThat(extractor.withoutContactDetails(text, null)).isSameAs(text);
    }
}
