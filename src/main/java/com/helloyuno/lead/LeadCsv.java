package com.helloyuno.lead;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Leads as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma,
 * quote or line break), safe to open in a spreadsheet: a cell that starts with {@code =}, {@code
 * +}, {@code -}, {@code @}, a tab or a carriage return gets a leading {@code '} so that it is never
 * read as a formula (OWASP's advice on CSV injection). E.164 phones therefore read {@code
 * '+14155552671}.
 */
final class LeadCsv {

    static final List<String> HEADER = List.of(
            "lead_id",
            "session_id",
            "name",
            "email",
            "phone",
            "message",
            "intent",
            "source",
            "created_at",
            "updated_at");

    private LeadCsv() {}

    static void header(Writer out) throws IOException {
        row(out, HEADER);
    }

    static void lead(Writer out, Lead lead) throws IOException {
        row(
                out,
                List.of(
                        lead.leadId().toString(),
                        text(lead.sessionId()),
                        text(lead.name()),
                        text(lead.email()),
                        text(lead.phone()),
                        text(lead.message()),
                        text(lead.intent()),
                        lead.source(),
                        time(lead.createdAt()),
                        time(lead.updatedAt())));
    }

    static String cell(String value) {
        var safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    private static void row(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static String time(Instant instant) {
        return instant.toString();
    }
}
