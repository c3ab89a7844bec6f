package com.helloyuno.lead;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Finds contact details in what a visitor wrote, deterministically: email addresses by pattern
 * and phone numbers with libphonenumber, normalised to E.164. It never calls a model: a name and
 * an intent come in as {@link LeadHints} from the caller's classification of the turn.
 *
 * <p>Numbers that are not phone numbers stay out: libphonenumber accepts only numbers valid for
 * their country (which leaves out most dates, times and amounts), and on top of that a number is
 * refused after words such as "order", "invoice" or "#", next to a currency, and, when written as
 * bare digits with no {@code +} or separators, unless a word such as "phone" or "call" comes
 * before it or it is all the message says.
 */
@Component
public class LeadExtractor {

    private static final String LOCAL = "[A-Za-z0-9_%+-]+(?:[.'][A-Za-z0-9_%+-]+)*";
    private static final String DOMAIN = "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}";
    private static final Pattern EMAIL_IN_TEXT =
            Pattern.compile("(?<![A-Za-z0-9._%+-])" + LOCAL + "@" + DOMAIN + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])");
    private static final Pattern EMAIL = Pattern.compile(LOCAL + "@" + DOMAIN);
    private static final int MAX_LOCAL_PART = 64;

    /** Words after which a number is something else: "order 4155552671", "invoice no. 0612345678". */
    private static final Pattern NOT_A_PHONE_BEFORE = Pattern.compile(
            "(?i)(?:order|invoice|receipt|ref(?:erence)?|ticket|tracking|account|acct|customer\\s+id|\\bid"
                    + "|serial|sku|item|product|code|booking|reservation|confirmation|iban|card|zip|postcode"
                    + "|#|\\bno\\.?|n°|nr\\.?)\\W{0,4}(?:(?:number|num|no\\.?|nr\\.?|is|:)\\W{0,3})*$");

    private static final Pattern CURRENCY_BEFORE = Pattern.compile("[$€£¥₹]\\s?$|(?i)\\b(?:usd|eur|gbp|chf)\\s?$");
    private static final Pattern CURRENCY_AFTER =
            Pattern.compile("^\\s?(?:[$€£¥₹]|(?i)(?:usd|eur|gbp|chf|dollars?|euros?|pounds?)\\b)");

    /** Words that announce a phone number written as bare digits. */
    private static final Pattern PHONE_CUE = Pattern.compile(
            "(?i)(?:phone|call|tel|telephone|mobile|cell|whats\\s?app|sms|text\\s+me|reach\\s+me|contact|ring"
                    + "|number|numéro|telefon|handy|móvil|celular)");

    private static final int CONTEXT = 40;

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final LeadSettings settings;

    LeadExtractor(LeadSettings settings) {
        this.settings = settings;
    }

    /**
     * The lead in a visitor's messages, if they hold an email or a phone number: the latest one of
     * each, with the name and intent of the hints.
     *
     * @param visitorMessages what the visitor wrote, oldest first (never the assistant's words)
     */
    Optional<ChatLead> extract(List<String> visitorMessages, LeadHints hints) {
        return lead(find(visitorMessages, hints.region(), ""), hints.name(), hints.intent());
    }

    /**
     * The one scan of a turn: the page's region and the contact details in the visitor's messages,
     * for everything the turn does with them (the search query's scrub, the answer's thanks, the
     * lead), so that the messages are read once.
     *
     * @param visitorMessages what the visitor wrote, oldest first (never the assistant's words)
     */
    public ContactScan scan(List<String> visitorMessages, @Nullable String pageUrl, String searchQuery) {
        var region = regionOf(pageUrl);
        return find(visitorMessages, region, withoutContactDetails(searchQuery, region));
    }

    /** The lead of a scan, with the name and intent the classification found; empty without contact details. */
    public Optional<ChatLead> lead(ContactScan scan, @Nullable String name, @Nullable String intent) {
        if (!scan.found()) {
            return Optional.empty();
        }
        return Optional.of(new ChatLead(name(name), scan.email(), scan.phone(), intent(intent)));
    }

    /** The latest email and phone, newest message first, within the scan budget. */
    private ContactScan find(List<String> visitorMessages, @Nullable String pageRegion, String searchQuery) {
        var region = pageRegion != null ? pageRegion : settings.defaultRegion();
        String email = null;
        String phone = null;
        var inLatest = false;
        String carrier = null;
        var budget = settings.maxScanCharacters();
        var latest = true;
        for (var message : visitorMessages.reversed()) {
            if (budget <= 0 || (email != null && phone != null)) {
                break;
            }
            var text = message.length() > budget ? message.substring(message.length() - budget) : message;
            budget -= text.length();
            var found = false;
            if (email == null) {
                email = lastEmail(text);
                found = email != null;
            }
            if (phone == null) {
                phone = lastPhone(text, region);
                found |= phone != null;
            }
            if (found && carrier == null) {
                carrier = message;
            }
            if (latest) {
                inLatest = email != null || phone != null;
                latest = false;
            }
        }
        return new ContactScan(pageRegion, email, phone, inLatest, carrier, searchQuery);
    }

    /**
     * The text with the email addresses and phone numbers that {@link #extract} would find in it
     * blanked out: for what must not carry them, such as the search query that goes to the
     * embeddings provider (contact details are no help to a search either). Order numbers, amounts
     * and the like stay, as {@code extract} leaves them too.
     */
    String withoutContactDetails(String text, @Nullable String pageRegion) {
        var region = pageRegion != null ? pageRegion : settings.defaultRegion();
        var cuts = new ArrayList<>(emails(text));
        cuts.addAll(phoneNumbers(text, region));
        if (cuts.isEmpty()) {
            return text;
        }
        cuts.sort(Comparator.comparingInt(Found::start));
        var out = new StringBuilder();
        var from = 0;
        for (var cut : cuts) {
            if (cut.start() >= from) {
                out.append(text, from, cut.start()).append(' ');
                from = cut.end();
            } else {
                from = Math.max(from, cut.end());
            }
        }
        out.append(text, from, text.length());
        return out.toString().replaceAll("\\s{2,}", " ").strip();
    }

    /**
     * The country of a page for reading national phone numbers: its country-code top-level domain
     * ({@code shop.example.de} is {@code DE}, {@code .uk} is {@code GB}), or {@code null}.
     */
    @Nullable
    String regionOf(@Nullable String pageUrl) {
        if (pageUrl == null) {
            return null;
        }
        try {
            var host = URI.create(pageUrl.trim()).getHost();
            if (host == null) {
                return null;
            }
            var tld = host.substring(host.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
            if (tld.equals("UK")) {
                tld = "GB";
            }
            return tld.length() == 2 && phones.getSupportedRegions().contains(tld) ? tld : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A valid email address, trimmed and with its domain in lower case. */
    Optional<String> email(String raw) {
        var value = raw.strip();
        if (value.length() > settings.maxEmailLength() || !EMAIL.matcher(value).matches()) {
            return Optional.empty();
        }
        var at = value.lastIndexOf('@');
        if (at > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        return Optional.of(value.substring(0, at + 1) + value.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    /** A valid phone number in E.164 form; national numbers are read in {@code region}. */
    Optional<String> phone(String raw, String region) {
        try {
            var number = phones.parse(raw, region);
            return phones.isValidNumber(number)
                    ? Optional.of(phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** A contact detail in a text: where it stands, and its normalised value. */
    private record Found(int start, int end, String value) {}

    private @Nullable String lastEmail(String text) {
        var found = emails(text);
        return found.isEmpty() ? null : found.getLast().value();
    }

    private @Nullable String lastPhone(String text, String region) {
        var found = phoneNumbers(text, region);
        return found.isEmpty() ? null : found.getLast().value();
    }

    /** The valid email addresses in a text, in order. */
    private List<Found> emails(String text) {
        var found = new ArrayList<Found>();
        var matcher = EMAIL_IN_TEXT.matcher(text);
        while (matcher.find()) {
            var start = matcher.start();
            var end = matcher.end();
            email(matcher.group()).ifPresent(email -> found.add(new Found(start, end, email)));
        }
        return found;
    }

    /** The phone numbers in a text, in order, in E.164; numbers that are something else are left out. */
    private List<Found> phoneNumbers(String text, String region) {
        var found = new ArrayList<Found>();
        for (var match : phones.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
            if (looksLikeAPhone(text, match)) {
                found.add(new Found(
                        match.start(),
                        match.end(),
                        phones.format(match.number(), PhoneNumberUtil.PhoneNumberFormat.E164)));
            }
        }
        return found;
    }

    private static boolean looksLikeAPhone(String text, PhoneNumberMatch match) {
        var before = text.substring(Math.max(0, match.start() - CONTEXT), match.start());
        var after = text.substring(match.end(), Math.min(text.length(), match.end() + CONTEXT));
        if (NOT_A_PHONE_BEFORE.matcher(before).find()
                || CURRENCY_BEFORE.matcher(before).find()
                || CURRENCY_AFTER.matcher(after).find()) {
            return false;
        }
        var raw = match.rawString();
        var formatted = raw.startsWith("+") || raw.chars().anyMatch(c -> " -.()/".indexOf(c) >= 0);
        if (formatted) {
            return true;
        }
        return PHONE_CUE.matcher(before).find() || text.strip().equals(raw);
    }

    private @Nullable String name(@Nullable String name) {
        if (name == null) {
            return null;
        }
        var value = name.strip().replaceAll("\\s+", " ");
        if (value.isEmpty() || value.contains("@")) {
            return null;
        }
        return value.length() > settings.maxNameLength() ? value.substring(0, settings.maxNameLength()) : value;
    }

    private @Nullable String intent(@Nullable String intent) {
        if (intent == null || intent.isBlank()) {
            return null;
        }
        var value = intent.strip();
        return value.length() > settings.maxIntentLength() ? value.substring(0, settings.maxIntentLength()) : value;
    }
}
